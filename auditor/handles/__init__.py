"""Brand handles on social platforms: which name forms to try, whether each exists, and whose it is.

`candidates` makes the handles, `platforms` loads the definitions (data, schema-validated), `detect` reads
one response, `scan` probes over the HTTP stack, `ownership` decides owned / taken / available / unknown.
"""

from auditor.handles.candidates import HandleCandidate, candidates_for, handle_candidates, validate_handle
from auditor.handles.detect import Observation, classify, extract_links, extract_phones
from auditor.handles.ownership import resolve
from auditor.handles.platforms import (
    BlockSignatures,
    Platform,
    PlatformError,
    load_platform_file,
    load_platforms,
    shipped_platforms_path,
)
from auditor.handles.scan import check, scan

__all__ = [
    "BlockSignatures",
    "HandleCandidate",
    "Observation",
    "Platform",
    "PlatformError",
    "candidates_for",
    "check",
    "classify",
    "extract_links",
    "extract_phones",
    "handle_candidates",
    "load_platform_file",
    "load_platforms",
    "resolve",
    "scan",
    "shipped_platforms_path",
    "validate_handle",
]
