"""Compute: Hong Kong's total against the Cyberport centre, and planned infrastructure.
Drawn as `hkai.dashboards.layout` declares it (the slides and the deck are cut from the same)."""

from components.dashboard import page

page("compute")
