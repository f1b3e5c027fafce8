"""Overview: headline figures with their quotes, the milestones, and the
counts found in the visitor's own documents.
Drawn as `hkai.dashboards.layout` declares it (the slides and the deck are cut from the same)."""

from components.dashboard import page

page("overview")
