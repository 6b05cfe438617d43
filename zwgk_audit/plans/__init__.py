"""Plans (政务公开工作要点 / 实施方案) → task clauses → draft checklists."""
from .derive import derive_checklist, load_rules
from .parse import Attribution, Clause, Plan, parse_attribution, parse_plan

__all__ = ["parse_plan", "parse_attribution", "Plan", "Clause", "Attribution", "derive_checklist", "load_rules"]
