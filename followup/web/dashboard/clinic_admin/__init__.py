"""Admin-only pages: the on-call rota, the escalation policy, the follow-up plan and the
clinic's integration keys.

Each page is a plain form that posts to its own URL with an ``action``; it works without
JavaScript. The services validate and audit every change; their messages are shown beside the
field they name. Bad input renders the page again with status 400 and writes nothing.
"""

from followup.web.dashboard.clinic_admin.keys import keys_page
from followup.web.dashboard.clinic_admin.plan import plan_page
from followup.web.dashboard.clinic_admin.policy import policy_page
from followup.web.dashboard.clinic_admin.rota import rota_page

__all__ = ["keys_page", "plan_page", "policy_page", "rota_page"]
