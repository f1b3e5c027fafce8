"""Curated figures, extraction, charts and exports for the dashboards."""

import io
import re

import pytest
from PIL import Image

from hkai import dashboards as dash
from hkai.core.config import SEEDS_DIR
from hkai.dashboards.charts import Style
from hkai.dashboards.curated import load_curated
from hkai.dashboards.found import extract_figures
from hkai.ingest.loader import load_path
from hkai.ingest.manifest import seed_manifest


@pytest.fixture(scope="module")
def seed_texts():
    return {str(e["doc_id"]): load_path(SEEDS_DIR / f, max_bytes=1 << 30).clean_text
            for f, e in seed_manifest().items()}


def test_curated_figures_cover_the_required_ones():
    ids = {f.id for f in load_curated()}
    required = {"rd_institute", "cyberport_web3", "web3hub_fund", "web3hub_phase1", "compute_total",
                "compute_cyberport", "innohk_labs", "nm_land", "web3hub_firms", "web3hub_target",
                "modelscope_users", "modelscope_models", "modelscope_downloads", "alibaba_close", "alibaba_change",
                "alibaba_turnover", "baidu_change", "sensetime_change", "ms_sensetime", "ms_frontier_scheme",
                "ms_vasp_licensing", "ms_waic_hk"}
    assert required <= ids
    for f in load_curated():
        assert f.labels["en"] and f.labels["zh-Hant"] and f.labels["zh-Hans"] and f.date


@pytest.mark.parametrize("fig", load_curated(), ids=lambda f: f.id)
def test_each_quote_is_verbatim_and_holds_its_value(fig, seed_texts):
    assert fig.quote in seed_texts[fig.doc]
    if fig.category == "milestone" and fig.date_basis:
        # A relative date ("this year"): the year must be stated where the basis says (a dateline: in the
        # source as it came, which the shown text keeps without its bylines).
        year = int(re.search(r"20\d\d", fig.date_basis).group(0))
        source = load_path(SEEDS_DIR / next(f for f, e in seed_manifest().items() if str(e["doc_id"]) == fig.doc),
                           max_bytes=1 << 30).text
        assert re.sub(r"\s+", " ", fig.date_basis.split("dateline ", 1)[-1]) in source or str(year) in source
        assert fig.value == (year - 1 if "去年" in fig.quote else year)
        return
    numbers = [float(n.replace(",", "")) for n in re.findall(r"\d[\d,]*(?:\.\d+)?", fig.quote)]
    scales = [1, 1e4, 1e8, 1e6]  # as written, 萬, 億, million
    assert any(abs(abs(fig.value) - n * s) < 1e-6 * max(1, abs(fig.value)) for n in numbers for s in scales), fig


@pytest.mark.parametrize("fig", [f for f in load_curated() if f.category != "milestone"], ids=lambda f: f.id)
def test_extraction_recovers_each_curated_figure(fig, seed_texts):
    found = extract_figures(seed_texts[fig.doc], fig.doc)
    assert any(abs(x.value - fig.value) < 1e-6 * max(1, abs(fig.value)) and fig.quote in x.quote for x in found), \
        [(x.raw, x.value) for x in found if fig.quote[:4] in x.quote]


def test_extraction_reads_units_currencies_and_directions():
    figs = extract_figures("撥款5,000萬元予數碼港。基金總額為1,000萬美元。總算力達5 EFLOPS。百度收跌5.39%。"
                           "The fund is US$2.5 million. 約20公頃新土地。")
    got = {(f.kind, f.value, f.currency or f.unit) for f in figs}
    assert ("money", 5e7, "") in got or ("money", 5e7, "HKD") in got
    assert ("money", 1e7, "USD") in got and ("compute", 5, "EFLOPS") in got
    assert ("percent", -5.39, "%") in got and ("money", 2.5e6, "USD") in got and ("area", 20, "公頃") in got


def test_extraction_ignores_version_numbers():
    assert not [f for f in extract_figures("Web3企業和Web3.0協會") if f.kind == "count"]


@pytest.mark.parametrize("key", list(dash.CHARTS))
@pytest.mark.parametrize("lang", ["en", "zh-Hant", "zh-Hans"])
def test_each_chart_is_valid_vega_lite_with_its_figures(key, lang):
    spec = dash.CHARTS[key](lang)
    values = values_of(spec.chart.to_dict(validate=True))
    assert {v["id"] for v in values} == {r.id for r in spec.rows} and spec.rows
    assert all(v["quote"] and v["source"] for v in values)  # every mark carries its quote and source


def values_of(spec: dict) -> list[dict]:
    return spec["datasets"][next(iter(spec["datasets"]))]


def test_investment_converts_us_dollars_at_the_peg():
    spec = dash.CHARTS["investment"]("en")
    rows = {v["id"]: v for v in values_of(spec.chart.to_dict())}
    assert rows["web3hub_fund"]["value"] == pytest.approx(78.0)
    assert rows["rd_institute"]["value"] == pytest.approx(1000.0)
    assert "7.8" in spec.chart.to_dict()["title"]["subtitle"]


def test_compute_chart_states_cyberport_share():
    assert dash.compute_share() == pytest.approx(0.6)
    assert "60%" in dash.CHARTS["compute"]("en").chart.to_dict()["title"]["subtitle"]


def test_bars_are_drawn_largest_first():
    spec = dash.CHARTS["investment"]("zh-Hant").chart.to_dict()
    order = spec["layer"][0]["encoding"]["y"]["sort"]
    values = {v["label"]: v["value"] for v in values_of(spec)}
    assert [values[label] for label in order] == sorted(values.values(), reverse=True)


def test_market_value_labels_have_room_on_both_sides():
    spec = dash.CHARTS["market"]("zh-Hans").chart.to_dict()
    domain = spec["layer"][0]["encoding"]["x"]["scale"]["domain"]
    low = min(v["value"] for v in values_of(spec))
    assert domain[0] < low * 1.3  # -5.39% has space for its label left of the bar, away from the axis labels
    aligns = {layer["mark"].get("align") for layer in spec["layer"] if layer["mark"]["type"] == "text"}
    assert aligns == {"left", "right"}


def test_dates_and_csv_headers_follow_the_reader():
    timeline = values_of(dash.CHARTS["timeline"]("zh-Hant").chart.to_dict())
    assert "2023年初" in {v["date"] for v in timeline} and not any("early" in v["date"] for v in timeline)
    csv = dash.to_csv(dash.CHARTS["compute"]("zh-Hant"), "zh-Hant").decode("utf-8-sig")
    header = csv.splitlines()[0].split(",")
    assert header == ["項目", "數額", "數值", "日期", "引文", "來源", "出處"]  # one value column, in Chinese
    assert "香港总算力目前已达5000 PFLOPS" in csv


def test_presentation_style_enlarges_chart_text():
    normal = dash.CHARTS["compute"]("en").chart.to_dict()
    big = dash.CHARTS["compute"]("en", style=Style(present=True)).chart.to_dict()
    assert big["config"]["axis"]["labelFontSize"] > normal["config"]["axis"]["labelFontSize"]
    assert big["config"]["axis"]["labelLimit"] > normal["config"]["axis"]["labelLimit"]


def test_enlarged_value_axes_have_fewer_ticks_and_thin_their_labels():
    """Large type on the market chart's 0.5-wide ticks ran "−7.5−7.0−6.5…" together."""
    def value_axis(present: bool) -> dict:
        spec = dash.CHARTS["market"]("zh-Hans", style=Style(present=present)).chart.to_dict()
        return next(layer["encoding"]["x"]["axis"] for layer in spec["layer"] if "axis" in layer["encoding"]["x"])
    big, normal = value_axis(True), value_axis(False)
    assert big["tickCount"] < normal["tickCount"] and big["labelOverlap"] == "parity" and big["labelSeparation"] > 0


def test_png_and_svg_exports_carry_a_source_line():
    spec = dash.CHARTS["investment"]("zh-Hant")
    image = Image.open(io.BytesIO(dash.to_png(spec, "zh-Hant", scale=2)))
    assert image.format == "PNG" and image.width > 1000 and image.height > 200
    svg = dash.to_svg(spec, "zh-Hant")
    assert "<svg" in svg and "香港人工智能研發院" in svg and "資料來源：" in svg and "文匯報" in svg
    assert svg.rstrip().endswith("</svg>")


def test_charts_are_drawn_in_a_process_that_ends_with_the_export(monkeypatch):
    """vl-convert's engine and fonts (about 100 MB) never load into the app's own process; a deck's charts share
    one drawing process, and a chart vl-convert refuses is a typed failure, not a hung or dead worker."""
    import subprocess
    import sys

    from hkai.dashboards import vega

    started = []
    popen = subprocess.Popen
    monkeypatch.setattr(vega.subprocess, "Popen", lambda *a, **k: started.append(1) or popen(*a, **k))
    dash.build_deck("en")
    assert len(started) == 1  # every chart of the deck, several drawings each, one process
    monkeypatch.undo()

    code = ("import sys; from hkai import dashboards as dash; deck = dash.build_deck('zh-Hant'); "
            "dash.to_png(dash.CHARTS['compute']('en'), 'en'); print(len(deck), 'vl_convert' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert int(out[0]) > 100_000 and out[1] == "False"

    with vega.worker():
        with pytest.raises(vega.DrawingFailed):
            vega.png({"mark": "no-such-mark", "data": {"values": []}})
        assert vega.svg({"mark": "bar", "data": {"values": [{"a": 1}]}, "encoding": {"x": {"field": "a"}}}
                        ).startswith("<svg")


def test_model_comparison_table_has_three_models_and_six_columns():
    frame = dash.models_frame("en")
    assert len(frame) == 3 and len(frame.columns) == 7
    assert list(frame.iloc[:, 0]) == ["Alibaba Tongyi Qianwen", "SenseTime SenseNova", "Baidu ERNIE Bot"]


def test_dashboard_table_quotes_are_verbatim(seed_texts):
    flat = re.sub(r"\s+", "", seed_texts["002"])
    for r in dash.tables()["infrastructure"]:
        assert r["quote"] in seed_texts[r["doc"]]
    spec = dash.tables()["models"]
    for row in spec["rows"]:
        for col in spec["columns"]:
            for part in row[col].split("◆"):
                if part.strip() and part.strip() != "—":
                    assert re.sub(r"\s+", "", part) in flat, (row["name"], col, part)


# ---- the visitor's own figures ---------------------------------------------------

def visitor_doc(text: str, name: str = "mine.txt"):
    from hkai.ingest.loader import load_bytes

    return load_bytes(text.encode(), name, owner="ws:x")


@pytest.mark.parametrize("written,value,currency", [
    ("HK$3.5bn", 3.5e9, "HKD"), ("35億港元", 3.5e9, "HKD"), ("港幣35億元", 3.5e9, "HKD"), ("US$10m", 1e7, "USD"),
    ("1,000萬美元", 1e7, "USD"), ("HK$500k", 5e5, "HKD"), ("RMB 2 billion", 2e9, "CNY"), ("20亿人民币", 2e9, "CNY"),
    ("HK$1.2 million", 1.2e6, "HKD"), ("3,500萬港元", 3.5e7, "HKD"),
    ("港幣35億", 3.5e9, "HKD"), ("港元10億", 1e9, "HKD"), ("人民幣100億元", 1e10, "CNY"), ("人民币100亿", 1e10, "CNY"),
    ("1.2萬億港元", 1.2e12, "HKD"), ("HKD 5m", 5e6, "HKD"), ("USD 20 million", 2e7, "USD"),
    ("20 million US dollars", 2e7, "USD"), ("5 million Hong Kong dollars", 5e6, "HKD"), ("US$1.5 trillion", 1.5e12, "USD"),
])
def test_amounts_parse_in_every_form(written, value, currency):
    found = [f for f in extract_figures(f"政府撥款{written}支持研發。") if f.kind == "money"]
    assert found and found[0].value == pytest.approx(value) and found[0].currency == currency, found


def test_one_amount_written_two_ways_is_one_value_and_joins_the_investment_chart():
    doc = visitor_doc("The Shatin data centre fund is HK$3.5bn (35億港元). 沙田數據中心提供800 PFLOPS算力。"
                      "The park hosts 300 companies. 園區有300家企業進駐。")
    mine = dash.visitor_figures([doc])
    assert [(f.metric, f.value) for f in mine if f.metric == "money"] == [("money", 3.5e9)]
    assert [(f.metric, f.value) for f in mine if f.metric.startswith("count")] == [("count:companies", 300)]
    investment = values_of(dash.CHARTS["investment"]("en", mine=mine).chart.to_dict())
    yours = [v for v in investment if v["origin"] == "from your documents"]
    assert len(yours) == 1 and yours[0]["value"] == pytest.approx(3500) and "HK$3.5bn" in yours[0]["quote"]
    assert {"rd_institute", "cyberport_web3"} <= {v["id"] for v in investment}  # the curated figures stay
    compute = values_of(dash.CHARTS["compute"]("zh-Hant", mine=mine).chart.to_dict())
    assert any(v["value"] == 800 and v["origin"] == "來自你的文件" for v in compute)
    counts = dash.counts("en", mine=mine)
    units = {v["unit"] for v in values_of(counts.chart.to_dict())}
    assert units == {"companies"}  # 300 companies and 300家企業 are one unit, beside the curated firm counts


def test_a_currency_word_without_an_amount_is_not_money():
    assert not [f for f in extract_figures("港元兌美元匯率約為7.8，聯繫匯率制度維持不變。") if f.kind == "money"]


def test_rmb_is_not_charted_without_a_rate():
    mine = dash.visitor_figures([visitor_doc("研究院獲得20亿人民币資助。")])
    assert not [f for f in mine if f.metric == "money"]


def test_a_csv_export_carries_no_formula():
    """A visitor's sentence that starts like a formula is exported with a
    leading apostrophe (OWASP), so no spreadsheet evaluates it."""
    import csv
    import io

    doc = visitor_doc('=HYPERLINK("http://evil.example/x","Budget") The fund will invest HK$3 billion in AI compute.',
                      name="+cmd|' /C calc'!A0.txt")
    mine = dash.visitor_figures([doc])
    out = dash.to_csv(dash.CHARTS["investment"]("en", mine=mine), "en").decode("utf-8-sig")
    cells = [c for row in csv.reader(io.StringIO(out)) for c in row]
    assert any("HYPERLINK" in c for c in cells)
    assert all(not c.startswith(("=", "+", "-", "@", "\t", "\r")) for c in cells), [c for c in cells if c[:1] in "=+-@"]
    assert any(c.startswith("'=HYPERLINK") or c.startswith("'+cmd") for c in cells)
