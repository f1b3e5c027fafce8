"""Investment: commitments compared in HK$, the visitor's amounts among them.
Drawn as `hkai.dashboards.layout` declares it (the slides and the deck are cut from the same)."""

from components.dashboard import page

page("investment")
