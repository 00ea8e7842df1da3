"""Services: every write of the domain, keyword-only and typed (HackSoft style)."""
