"""One router module per page (listed in rarebone.web.app.ROUTERS)."""
