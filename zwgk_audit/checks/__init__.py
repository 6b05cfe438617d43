"""The checks, registered by type name. Importing this package registers every family."""
from . import availability, columns, documents, interaction, services, site  # noqa: F401  (registration side effect)
from .base import FAIL, NA, PASS, STATUS_LABELS, STATUSES, UNVERIFIED, CheckSpec, Context, Finding, check, registry

__all__ = ["registry", "check", "CheckSpec", "Context", "Finding", "PASS", "FAIL", "NA", "UNVERIFIED", "STATUSES",
           "STATUS_LABELS"]
