"""A deterministic synthetic organisation, written as Backstage YAML in git repositories.

`generate(root, n, seed)` writes about `n / 75` git repositories under `root/repos/`,
each with one multi-document `catalog-info.yaml`, shaped like a large company:

| kind      | share   | notes                                                        |
|-----------|---------|--------------------------------------------------------------|
| Group     | 2 %     | one root org, colonies (`parent: <org>`), squads (`parent: <colony>`) |
| User      | 15 %    | `memberOf` one or two squads                                 |
| System    | 3 %     | owned by a squad, `domain` set                               |
| API       | 12 %    | openapi/asyncapi/graphql/grpc, short inline `definition`     |
| Domain    | ~20     | owned by a colony                                            |
| Component | the rest | ~68 %: service/library/website with owner, system, lifecycle, tags, |
|           |         | `dependsOn`, `providesApis` and `consumesApis` (1-5 each)      |

Groups, users, domains and systems live in a few `org-*` repositories; components and
APIs are grouped by system and cut into repositories of varied size (a few monorepos,
many small ones). Ownership is skewed (a few platform squads own hundreds of
components) so that owner queries have a tenth page. Every reference resolves.

The same `(n, seed)` always gives the same files and the same commit ids (author,
committer and dates are fixed). `root/manifest.json` lists every entity ref and the
expected answer counts the benchmark checks against.

Run `python benchmarks/synthetic_org.py /tmp/bench-org -n 100000` to generate and
validate an organisation on its own.
"""

from __future__ import annotations

import argparse
import bisect
import itertools
import json
import os
import random
import shutil
import subprocess
import sys
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

GENERATOR_VERSION = 1
CATALOG_FILE = "catalog-info.yaml"
ORG_PREFIX = "acme"
ENTITIES_PER_REPO = 75
MAX_ORG_REPO_ENTITIES = 3000
API_VERSION = "backstage.io/v1alpha1"
FIXED_GIT_DATE = "2024-01-01T00:00:00+00:00"


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# Words that make up component, API and system names. The 3-6 letter ones double as
# full-text search terms, as a user typing into the catalog page's search box would.
NAME_WORDS = _words(
    "ledger cart order search pay price promo stock ship route fraud risk auth login token "
    "user profile review rating media image video audio feed inbox chat notify email sms push "
    "geo maps place trip hotel flight booking ticket seat fleet driver rider menu recipe grocer "
    "basket coupon loyalty reward wallet refund invoice tax audit report metric alert trace "
    "event stream queue cache proxy edge gate config flag secret vault cert dns cdn build "
    "deploy release docs wiki help support crm sales lead quote deal partner vendor supply "
    "catalog product variant bundle plan billing usage quota limit kyc claim policy loan "
    "credit score bank forex payout ads bid auction target segment survey form upload file "
    "blob photo thumb label graph index rank recs"
)
ROLE_WORDS = _words(
    "sync api worker gateway store engine service portal ui web app jobs etl bridge adapter "
    "client sdk lib core hub manager tracker router scheduler indexer exporter importer "
    "processor monitor registry resolver builder loader writer reader cli bot console admin "
    "dash backend frontend"
)
DOMAIN_NAMES = _words(
    "commerce payments logistics identity marketing content discovery data platform security "
    "finance people support mobility advertising growth risk devtools infrastructure analytics"
)
FIRST_NAMES = _words(
    "alex sam jordan taylor morgan casey riley jamie avery quinn robin drew kim lee chris pat "
    "dana noor amir sofia lucas mia liam emma noah olivia ava elias ines yuki hana kenji wei "
    "li chen priya arjun ravi fatima omar lena jonas anna paul marta tomas eva nina ivan olga "
    "sara david maria jose carlos lucia pedro ana joao mateo valentina diego camila leo zoe"
)
LAST_NAMES = _words(
    "smith jones brown taylor wilson davies evans thomas johnson roberts walker wright "
    "robinson thompson white hughes edwards green hall wood harris lewis martin jackson clarke "
    "garcia martinez lopez gonzalez perez sanchez ramirez torres flores rivera gomez diaz "
    "muller schmidt schneider fischer weber meyer wagner becker hoffmann schulz kowalski "
    "nowak novak horvat rossi russo ferrari esposito bianchi romano colombo ricci tanaka "
    "suzuki sato watanabe ito kim park lee choi wang zhang liu chen yang huang zhao patel "
    "singh kumar shah gupta khan ali hassan ahmed ibrahim okafor mensah nkosi dubois moreau"
)

LANGUAGE_TAGS = {
    "java": 25,
    "go": 18,
    "python": 18,
    "typescript": 15,
    "kotlin": 6,
    "javascript": 5,
    "scala": 3,
    "rust": 3,
    "ruby": 2,
    "c++": 2,
    "c#": 2,
    "php": 1,
}
OTHER_TAGS = _words(
    "tier-1 tier-2 tier-3 pci gdpr sox hipaa pii internal public kafka postgres mysql redis "
    "cassandra elasticsearch kubernetes serverless frontend backend mobile ios android ml "
    "batch streaming legacy grpc rest graphql"
)
COMPONENT_TYPES = {"service": 55, "library": 30, "website": 15}
LIFECYCLES = {"production": 70, "experimental": 20, "deprecated": 10}
API_TYPES = {"openapi": 55, "grpc": 20, "asyncapi": 15, "graphql": 10}


def _weighted(rng: random.Random, table: dict[str, int]) -> str:
    return rng.choices(list(table), weights=list(table.values()))[0]


class _Names:
    """Hands out unique entity names: `base`, then `base-2`, `base-3`, ..."""

    def __init__(self) -> None:
        self._seen: dict[str, int] = {}
        self._taken: set[str] = set()

    def take(self, base: str, sep: str = "-") -> str:
        count = self._seen.get(base, 0)
        while True:
            count += 1
            name = base if count == 1 else f"{base}{sep}{count}"
            if name not in self._taken:
                break
        self._seen[base] = count
        self._taken.add(name)
        return name


@dataclass(slots=True)
class _Entity:
    kind: str
    name: str
    text: str = ""
    system: int = -1  # index of the system, for components and APIs
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def ref(self) -> str:
        return f"{self.kind.lower()}:default/{self.name.lower()}"


@dataclass(frozen=True, slots=True)
class Shape:
    """How many entities of each kind an organisation of `n` entities has."""

    groups: int
    colonies: int
    squads: int
    users: int
    systems: int
    apis: int
    domains: int
    components: int

    @classmethod
    def for_size(cls, n: int) -> Shape:
        if n < 200:
            raise ValueError("an organisation needs at least 200 entities")
        groups = max(4, round(n * 0.02))
        colonies = max(2, groups // 25)
        squads = groups - 1 - colonies
        users = round(n * 0.15)
        systems = max(2, round(n * 0.03))
        apis = round(n * 0.12)
        domains = min(len(DOMAIN_NAMES), max(2, n // 1000))
        components = n - groups - users - systems - apis - domains
        return cls(groups, colonies, squads, users, systems, apis, domains, components)


def _title(name: str) -> str:
    return " ".join(part.capitalize() for part in name.split("-") if not part.isdigit())


def _yaml_list(lines: list[str], key: str, values: list[str], indent: str = "  ") -> None:
    if values:
        lines.append(f"{indent}{key}:")
        lines.extend(f"{indent}  - {value}" for value in values)


def _group_doc(name: str, kind_of: str, display: str, parent: str | None, description: str) -> str:
    lines = [
        "---",
        f"apiVersion: {API_VERSION}",
        "kind: Group",
        "metadata:",
        f"  name: {name}",
        f"  description: {description}",
        "spec:",
        f"  type: {kind_of}",
        "  profile:",
        f"    displayName: {display}",
        f"    email: {name}@{ORG_PREFIX}.example",
    ]
    if parent:
        lines.append(f"  parent: {parent}")
    lines.append("  children: []")
    return "\n".join(lines) + "\n"


def _definition(api_type: str, name: str) -> list[str]:
    camel = "".join(part.capitalize() for part in name.split("-"))
    if api_type == "openapi":
        body = ["openapi: 3.0.3", "info:", f"  title: {name}", "  version: 1.0.0", "paths: {}"]
    elif api_type == "asyncapi":
        body = ["asyncapi: 2.6.0", "info:", f"  title: {name}", "  version: 1.0.0", "channels: {}"]
    elif api_type == "graphql":
        body = ["type Query {", f"  {camel[0].lower()}{camel[1:]}: String", "}"]
    else:
        body = ['syntax = "proto3";', f"service {camel} {{}}"]
    return ["  definition: |", *(f"    {line}" for line in body)]


def _ref_form(rng: random.Random, kind: str, name: str) -> str:
    """A reference as people write them: mostly bare, sometimes with kind or namespace."""
    roll = rng.random()
    if roll < 0.75:
        return name
    if roll < 0.95:
        return f"{kind}:{name}"
    return f"{kind}:default/{name}"


def _build(n: int, seed: int) -> tuple[list[list[_Entity]], list[str], dict[str, Any]]:
    """Every entity, rendered, grouped into repositories; plus the expectations."""
    rng = random.Random(seed)
    shape = Shape.for_size(n)
    names = _Names()

    # --- organisation -------------------------------------------------------------------
    org = _Entity("Group", ORG_PREFIX)
    org.text = _group_doc(
        ORG_PREFIX, "organization", "ACME Corporation", None, "The whole company."
    )
    colonies: list[_Entity] = []
    for _ in range(shape.colonies):
        name = names.take(f"colony-{rng.choice(NAME_WORDS)}")
        entity = _Entity("Group", name)
        entity.text = _group_doc(
            name, "colony", _title(name), ORG_PREFIX, f"The {_title(name)} colony."
        )
        colonies.append(entity)
    squads: list[_Entity] = []
    for _ in range(shape.squads):
        name = names.take(f"squad-{rng.choice(NAME_WORDS)}-{rng.choice(ROLE_WORDS)}")
        parent = rng.choice(colonies).name
        entity = _Entity("Group", name)
        entity.text = _group_doc(name, "team", _title(name), parent, f"{_title(name)} squad.")
        squads.append(entity)
    # Skewed ownership: squad at rank r gets weight 1 / (r + 1) ** 0.7.
    squad_weights = list(
        itertools.accumulate(1.0 / (rank + 1) ** 0.7 for rank in range(len(squads)))
    )

    def pick_squad() -> _Entity:
        return squads[bisect.bisect_left(squad_weights, rng.random() * squad_weights[-1])]

    users: list[_Entity] = []
    user_names = _Names()
    for _ in range(shape.users):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        name = user_names.take(f"{first}.{last}", sep="")
        memberships = [rng.choice(squads).name]
        if rng.random() < 0.15:
            second = rng.choice(squads).name
            if second != memberships[0]:
                memberships.append(second)
        lines = [
            "---",
            f"apiVersion: {API_VERSION}",
            "kind: User",
            "metadata:",
            f"  name: {name}",
            "spec:",
            "  profile:",
            f"    displayName: {first.capitalize()} {last.capitalize()}",
            f"    email: {name}@{ORG_PREFIX}.example",
        ]
        _yaml_list(lines, "memberOf", [_ref_form(rng, "group", m) for m in memberships])
        entity = _Entity("User", name)
        entity.text = "\n".join(lines) + "\n"
        users.append(entity)

    domains: list[_Entity] = []
    for index in range(shape.domains):
        name = DOMAIN_NAMES[index]
        entity = _Entity("Domain", name)
        entity.text = "\n".join(
            [
                "---",
                f"apiVersion: {API_VERSION}",
                "kind: Domain",
                "metadata:",
                f"  name: {name}",
                f"  description: Everything about {name}.",
                "spec:",
                f"  owner: {rng.choice(colonies).name}",
            ]
        )
        entity.text += "\n"
        domains.append(entity)

    systems: list[_Entity] = []
    for _ in range(shape.systems):
        name = names.take(f"{rng.choice(NAME_WORDS)}-{rng.choice(NAME_WORDS)}")
        owner = pick_squad()
        domain = rng.choice(domains).name
        entity = _Entity("System", name, extra={"owner": owner.name})
        entity.text = "\n".join(
            [
                "---",
                f"apiVersion: {API_VERSION}",
                "kind: System",
                "metadata:",
                f"  name: {name}",
                f"  description: The {_title(name)} system of the {domain} domain.",
                "spec:",
                f"  owner: {_ref_form(rng, 'group', owner.name)}",
                f"  domain: {domain}",
            ]
        )
        entity.text += "\n"
        systems.append(entity)

    # --- APIs and components (names first: components refer to each other) -----------------
    apis: list[_Entity] = []
    apis_by_system: list[list[int]] = [[] for _ in systems]
    for index in range(shape.apis):
        system = rng.randrange(len(systems))
        name = names.take(f"{rng.choice(NAME_WORDS)}-{rng.choice(NAME_WORDS)}-api")
        apis.append(_Entity("API", name, system=system))
        apis_by_system[system].append(index)

    components: list[_Entity] = []
    components_by_system: list[list[int]] = [[] for _ in systems]
    for index in range(shape.components):
        system = rng.randrange(len(systems))
        name = names.take(f"{rng.choice(NAME_WORDS)}-{rng.choice(ROLE_WORDS)}")
        components.append(_Entity("Component", name, system=system))
        components_by_system[system].append(index)

    for api in apis:
        system = systems[api.system]
        api_type = _weighted(rng, API_TYPES)
        lines = [
            "---",
            f"apiVersion: {API_VERSION}",
            "kind: API",
            "metadata:",
            f"  name: {api.name}",
            f"  description: The {_title(api.name)} of the {_title(system.name)} system.",
            "spec:",
            f"  type: {api_type}",
            f"  lifecycle: {_weighted(rng, LIFECYCLES)}",
            f"  owner: {_ref_form(rng, 'group', system.extra['owner'])}",
            f"  system: {system.name}",
            *_definition(api_type, api.name),
        ]
        api.text = "\n".join(lines) + "\n"

    owner_counts: Counter[str] = Counter()
    tag_counts: Counter[str] = Counter()
    type_lifecycle_counts: Counter[str] = Counter()
    searchable: list[str] = []  # lowercased "name title" of each component, for term counts
    language_tags = list(LANGUAGE_TAGS)
    language_weights = list(LANGUAGE_TAGS.values())
    for component in components:
        system = systems[component.system]
        owner = system.extra["owner"] if rng.random() < 0.85 else pick_squad().name
        comp_type = _weighted(rng, COMPONENT_TYPES)
        lifecycle = _weighted(rng, LIFECYCLES)
        tags = [rng.choices(language_tags, weights=language_weights)[0]]
        for tag in rng.sample(OTHER_TAGS, rng.randint(0, 3)):
            tags.append(tag)
        siblings = components_by_system[component.system]
        depends: list[str] = []
        for _ in range(rng.randint(1, 5)):
            pool = siblings if rng.random() < 0.7 and len(siblings) > 1 else None
            target = components[rng.choice(pool) if pool else rng.randrange(len(components))]
            if target is not component and target.name not in depends:
                depends.append(target.name)
        provides: list[str] = []
        consumes: list[str] = []
        if comp_type == "service":
            own = apis_by_system[component.system]
            for _ in range(rng.randint(1, 5)):
                candidate = apis[rng.choice(own)] if own else rng.choice(apis)
                if candidate.name not in provides:
                    provides.append(candidate.name)
        if comp_type in ("service", "website"):
            for _ in range(rng.randint(1, 5)):
                candidate = rng.choice(apis)
                if candidate.name not in consumes and candidate.name not in provides:
                    consumes.append(candidate.name)
        title = _title(component.name) if rng.random() < 0.5 else None
        description = f"{_title(component.name)} {comp_type} of the {_title(system.name)} system."
        lines = [
            "---",
            f"apiVersion: {API_VERSION}",
            "kind: Component",
            "metadata:",
            f"  name: {component.name}",
        ]
        if title:
            lines.append(f"  title: {title}")
        lines.append(f"  description: {description}")
        lines.append("  annotations:")
        lines.append(f"    github.com/project-slug: {ORG_PREFIX}/{{repo}}")
        if rng.random() < 0.3:
            lines.append("    backstage.io/techdocs-ref: dir:.")
        _yaml_list(lines, "tags", tags)
        lines += [
            "spec:",
            f"  type: {comp_type}",
            f"  lifecycle: {lifecycle}",
            f"  owner: {_ref_form(rng, 'group', owner)}",
            f"  system: {system.name}",
        ]
        _yaml_list(lines, "dependsOn", [f"component:{name}" for name in depends])
        _yaml_list(lines, "providesApis", provides)
        _yaml_list(lines, "consumesApis", [_ref_form(rng, "api", name) for name in consumes])
        component.text = "\n".join(lines) + "\n"
        component.extra = {"description": description, "type": comp_type}
        owner_counts[f"group:default/{owner}"] += 1
        tag_counts.update(tags)
        type_lifecycle_counts[f"{comp_type}/{lifecycle}"] += 1
        searchable.append(f"{component.name} {title or ''}".lower())

    # --- repositories -------------------------------------------------------------------
    repos: list[list[_Entity]] = []
    repo_names: list[str] = []
    repo_name_pool = _Names()

    def chunks(items: list[_Entity], size: int) -> list[list[_Entity]]:
        return [items[i : i + size] for i in range(0, len(items), size)]

    structure = [org, *domains, *colonies, *squads]
    for index, chunk in enumerate(chunks(structure, MAX_ORG_REPO_ENTITIES), start=1):
        repos.append(chunk)
        repo_names.append("org-structure" if index == 1 else f"org-structure-{index}")
    for index, chunk in enumerate(chunks(systems, MAX_ORG_REPO_ENTITIES), start=1):
        repos.append(chunk)
        repo_names.append(f"org-systems-{index}")
    for index, chunk in enumerate(chunks(users, MAX_ORG_REPO_ENTITIES), start=1):
        repos.append(chunk)
        repo_names.append(f"org-people-{index}")

    software: list[_Entity] = []
    for system_index in range(len(systems)):
        software.extend(apis[i] for i in apis_by_system[system_index])
        software.extend(components[i] for i in components_by_system[system_index])
    wanted = max(1, round(n / ENTITIES_PER_REPO) - len(repos))
    wanted = min(wanted, len(software))
    # Random cut points give the exponential-ish size spread of real repositories.
    cuts = sorted(rng.sample(range(1, len(software)), wanted - 1)) if wanted > 1 else []
    for start, end in zip([0, *cuts], [*cuts, len(software)], strict=True):
        chunk = software[start:end]
        repos.append(chunk)
        repo_names.append(repo_name_pool.take(systems[chunk[0].system].name))

    # --- expectations for the benchmark ---------------------------------------------------
    terms = sorted({word for word in NAME_WORDS if 3 <= len(word) <= 6})
    term_counts = {term: sum(1 for text in searchable if term in text) for term in terms}
    services = [c for c in components if c.extra["type"] == "service"]
    sample = rng.choice(services)
    expectations = {
        "owners": dict(owner_counts.most_common()),
        "tags": dict(tag_counts.most_common()),
        "type_lifecycle": dict(sorted(type_lifecycle_counts.items())),
        "terms": {term: count for term, count in term_counts.items() if count},
        "sample_component": sample.name,
    }
    return repos, repo_names, expectations


def git_env(fixed_dates: bool = True) -> dict[str, str]:
    """An environment for git that ignores the user's configuration (hooks, signing)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(GIT_CONFIG_GLOBAL=os.devnull, GIT_CONFIG_NOSYSTEM="1", LC_ALL="C")
    if fixed_dates:  # same content, same commit ids
        env.update(GIT_AUTHOR_DATE=FIXED_GIT_DATE, GIT_COMMITTER_DATE=FIXED_GIT_DATE)
    return env


GIT_IDENTITY = ["-c", "user.name=bench", "-c", "user.email=bench@example.invalid"]


def git_commit(repo: Path, message: str, env: dict[str, str] | None = None) -> None:
    """`git add -A && git commit` in `repo` as the bench user."""
    env = env if env is not None else git_env()
    subprocess.run(["git", "-C", str(repo), "add", "-A"], check=True, env=env)
    subprocess.run(
        ["git", "-C", str(repo), *GIT_IDENTITY, "commit", "-q", "--no-verify", "-m", message],
        check=True,
        env=env,
    )


def _make_repo(path: Path, text: str, env: dict[str, str]) -> None:
    path.mkdir(parents=True)
    (path / CATALOG_FILE).write_text(text, encoding="utf-8")
    # An empty --template skips copying sample hooks: faster and 60 kB smaller per repo.
    subprocess.run(
        ["git", "init", "-q", "-b", "main", "--template=", str(path)], check=True, env=env
    )
    git_commit(path, "Add catalog-info.yaml", env)


def generate(root: Path, n: int = 100_000, seed: int = 7) -> dict[str, Any]:
    """Write the organisation under `root/repos/` (replacing it) and return its statistics."""
    started = time.perf_counter()
    root = Path(root).resolve()
    repos_dir = root / "repos"
    if repos_dir.exists():
        shutil.rmtree(repos_dir)
    repos_dir.mkdir(parents=True)
    (root / "manifest.json").unlink(missing_ok=True)

    repos, repo_names, expectations = _build(n, seed)
    built = time.perf_counter()

    texts = [
        "".join(entity.text for entity in entities).replace("{repo}", name)
        for entities, name in zip(repos, repo_names, strict=True)
    ]
    env = git_env()
    workers = max(2, min(16, (os.cpu_count() or 2) * 2))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        list(
            pool.map(
                lambda item: _make_repo(repos_dir / item[0], item[1], env),
                zip(repo_names, texts, strict=True),
            )
        )
    finished = time.perf_counter()

    counts: Counter[str] = Counter()
    refs: list[str] = []
    sample: dict[str, Any] = {}
    for entities, name in zip(repos, repo_names, strict=True):
        for entity in entities:
            counts[entity.kind.lower()] += 1
            refs.append(entity.ref)
            if entity.kind == "Component" and entity.name == expectations["sample_component"]:
                sample = {
                    "ref": entity.ref,
                    "name": entity.name,
                    "repo": str(repos_dir / name),
                    "path": str(repos_dir / name / CATALOG_FILE),
                    "description": entity.extra["description"],
                }
    sizes = [len(entities) for entities in repos]
    stats: dict[str, Any] = {
        "generator_version": GENERATOR_VERSION,
        "n": n,
        "seed": seed,
        "root": str(root),
        "repos_dir": str(repos_dir),
        "entities": sum(counts.values()),
        "counts": dict(sorted(counts.items())),
        "repos": len(repos),
        "entities_per_repo": {
            "min": min(sizes),
            "median": sorted(sizes)[len(sizes) // 2],
            "max": max(sizes),
        },
        "bytes": sum(len(text.encode("utf-8")) for text in texts),
        "sample_component": sample,
        "seconds": {
            "build": round(built - started, 3),
            "git": round(finished - built, 3),
            "total": round(finished - started, 3),
        },
        "expectations": expectations,
    }
    manifest = {**stats, "refs": refs}
    (root / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return stats


def load_manifest(root: Path) -> dict[str, Any] | None:
    """The manifest a previous `generate(root, ...)` wrote, or None."""
    path = Path(root) / "manifest.json"
    try:
        loaded = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return loaded if isinstance(loaded, dict) else None


# Which kind a bare reference in each spec field means (Backstage's defaults); None: the
# kind must be written.
_REF_FIELDS = {
    "owner": "group",
    "system": "system",
    "domain": "domain",
    "parent": "group",
    "memberOf": "group",
    "providesApis": "api",
    "consumesApis": "api",
    "dependsOn": None,
}


def _parse_ref(ref: str, default_kind: str | None) -> str:
    colon, slash = ref.find(":"), ref.find("/")
    kind = None
    if colon != -1 and (slash == -1 or colon < slash):
        kind, ref = ref[:colon], ref[colon + 1 :]
    namespace, _, name = ref.partition("/") if "/" in ref else ("default", "", ref)
    kind = kind or default_kind
    if not kind or not name:
        raise ValueError(f"bad reference {ref!r}")
    return f"{kind}:{namespace}/{name}".lower()


def validate(repos_dir: Path, sample: int = 0, seed: int = 1) -> dict[str, Any]:
    """Parse the catalog files (all, or `sample` random repos) and resolve every reference.

    With `sample`, references are only checked against the entities in those repos plus
    `manifest.json`'s list, so a sample still proves the references resolve.
    """
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    repo_dirs = sorted(p for p in Path(repos_dir).iterdir() if p.is_dir())
    if sample:
        repo_dirs = random.Random(seed).sample(repo_dirs, min(sample, len(repo_dirs)))
    known: set[str] = set()
    manifest = load_manifest(Path(repos_dir).parent)
    if sample and manifest:
        known.update(manifest["refs"])
    kinds: Counter[str] = Counter()
    outgoing: list[tuple[str, str]] = []
    for repo in repo_dirs:
        text = (repo / CATALOG_FILE).read_text(encoding="utf-8")
        for doc in yaml.load_all(text, loader):
            if doc is None:
                continue
            kind = doc["kind"].lower()
            ref = f"{kind}:default/{doc['metadata']['name']}".lower()
            kinds[kind] += 1
            known.add(ref)
            for key, default_kind in _REF_FIELDS.items():
                value = doc.get("spec", {}).get(key)
                for target in [value] if isinstance(value, str) else value or []:
                    outgoing.append((ref, _parse_ref(target, default_kind)))
    unresolved = [(source, target) for source, target in outgoing if target not in known]
    if manifest and not sample and known != set(manifest["refs"]):
        unresolved.append(("manifest.json", "refs differ from the files"))
    return {
        "repos": len(repo_dirs),
        "documents": sum(kinds.values()),
        "counts": dict(sorted(kinds.items())),
        "references": len(outgoing),
        "unresolved": unresolved[:20],
        "unresolved_count": len(unresolved),
    }


def _main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", type=Path)
    parser.add_argument("-n", "--entities", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--validate", type=int, default=0, help="parse this many random repos (default 0: all)"
    )
    args = parser.parse_args(argv)
    stats = generate(args.root, args.entities, args.seed)
    summary = {k: v for k, v in stats.items() if k != "expectations"}
    print(json.dumps(summary, indent=2))
    started = time.perf_counter()
    report = validate(Path(stats["repos_dir"]), args.validate)
    report["seconds"] = round(time.perf_counter() - started, 3)
    print(json.dumps({"validation": report}, indent=2))
    return 1 if report["unresolved_count"] else 0


if __name__ == "__main__":
    sys.exit(_main())
