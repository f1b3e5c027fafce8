"""Models & market: the three large models compared, ModelScope, launch-day share moves.
Drawn as `hkai.dashboards.layout` declares it (the slides and the deck are cut from the same)."""

from components.dashboard import page

page("market")
