"""`/squads`: Your Squads, the groups the signed-in person is a member of."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from greenroom.squads.cards import group_rows, squad_cards
from greenroom.squads.ownership import kind_labels
from greenroom.squads.service import SquadService
from greenroom.web.page import PageDep

router = APIRouter(include_in_schema=False)
GROUP_LIST_LIMIT = 500


@router.get("/squads", response_class=HTMLResponse)
def your_squads(page: PageDep) -> HTMLResponse:
    service = SquadService(page.session)
    identity = page.identity
    groups = service.groups(identity.group_refs) if identity else []
    context: dict[str, Any] = {"squads": [], "all_groups": [], "all_groups_total": 0}
    if groups:
        labels = kind_labels(page.session, page.runtime)
        cards = squad_cards(service, groups, labels)
        context.update(
            squads=cards, related=service.entities([ref for card in cards for ref in card.parents])
        )
    else:
        # Someone in no group (or not signed in) still gets a way into the organisation.
        everyone, total = service.all_groups(GROUP_LIST_LIMIT)
        rows = group_rows(everyone)
        context.update(
            all_groups=rows,
            all_groups_total=total,
            related=service.entities([ref for row in rows for ref in row.parents]),
        )
    return page.render("squads/index.html", context)
