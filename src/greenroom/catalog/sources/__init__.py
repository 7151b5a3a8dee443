"""Where catalog descriptors come from: location readers, YAML documents, placeholders.

All the I/O of catalog ingestion lives here, synchronous (it runs in worker threads)
and configured through constructor arguments only. See gittargets.py for the git
target forms and the canonical `FileRef.location` formats.
"""

from greenroom.catalog.sources.base import (
    BatchLocationReader,
    FileRef,
    LocationReader,
    LocationReadError,
)
from greenroom.catalog.sources.documents import ParsedDocument, field_line, parse_documents
from greenroom.catalog.sources.file import FileReader
from greenroom.catalog.sources.git import GitReader, discover_repositories
from greenroom.catalog.sources.gittargets import git_target
from greenroom.catalog.sources.http import HttpReader
from greenroom.catalog.sources.placeholders import PlaceholderIssue, resolve_placeholders
from greenroom.catalog.sources.readers import LocationReaders, build_default_readers, read_all
from greenroom.catalog.sources.resolve import resolve_target, view_urls

__all__ = [
    "BatchLocationReader",
    "FileReader",
    "FileRef",
    "GitReader",
    "HttpReader",
    "LocationReadError",
    "LocationReader",
    "LocationReaders",
    "ParsedDocument",
    "PlaceholderIssue",
    "build_default_readers",
    "discover_repositories",
    "field_line",
    "git_target",
    "parse_documents",
    "read_all",
    "resolve_placeholders",
    "resolve_target",
    "view_urls",
]
