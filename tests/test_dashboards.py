"""Curated figures, extraction, charts and exports for the dashboards."""

import io
import re

import pytest
from PIL import Image

from hkai import dashboard as dash
from hkai.config import SEEDS_DIR
from hkai.documents import load_path
from hkai.figures import extract_figures, load_curated
from hkai.library import seed_manifest


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
        # A relative date ("this year"): the year must be stated where the basis says.
        year = int(re.search(r"20\d\d", fig.date_basis).group(0))
        assert str(year) in seed_texts[fig.doc]
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
    spec = dash.CHARTS[key](lang).to_dict(validate=True)
    values = spec["datasets"][next(iter(spec["datasets"]))]
    ids = {v["id"] for v in values}
    assert ids == {f.id for f in dash.CHART_FIGURES[key]()}
    assert all(v["quote"] and v["source"] for v in values)  # every mark carries its quote and source


def test_investment_converts_us_dollars_at_the_peg():
    values = dash.investment_chart("en").to_dict()
    rows = {v["id"]: v for v in values["datasets"][next(iter(values["datasets"]))]}
    assert rows["web3hub_fund"]["hkd_m"] == pytest.approx(78.0)
    assert rows["rd_institute"]["hkd_m"] == pytest.approx(1000.0)
    assert "7.8" in values["title"]["subtitle"]


def test_compute_chart_states_cyberport_share():
    assert dash.compute_share() == pytest.approx(0.6)
    assert "60%" in dash.compute_chart("en").to_dict()["title"]["subtitle"]


def test_png_export_is_a_real_image_with_chinese_labels():
    png = dash.to_png(dash.investment_chart("zh-Hant"), scale=2)
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG" and image.width > 1000 and image.height > 200
    svg = dash.to_svg(dash.investment_chart("zh-Hant"))
    assert "<svg" in svg and "香港人工智能研發院" in svg


def test_csv_export_has_quotes_and_sources():
    csv = dash.to_csv(dash.CHART_FIGURES["compute"](), "en").decode("utf-8-sig")
    assert "香港总算力目前已达5000 PFLOPS" in csv and "People's Daily" in csv


def test_briefing_deck_has_title_chart_and_sources_slides():
    from pptx import Presentation

    deck = Presentation(io.BytesIO(dash.build_deck("zh-Hant")))
    slides = list(deck.slides)
    assert len(slides) == 2 + len(dash.CHARTS)
    assert slides[0].shapes.title.text == "香港人工智能簡報"
    texts = ["\n".join(s.text_frame.text for s in slide.shapes if s.has_text_frame) for slide in slides]
    assert any("5,000 PFLOPS" in t and "香港总算力目前已达5000 PFLOPS" in t for t in texts)
    assert sum(1 for slide in slides for s in slide.shapes if s.shape_type == 13) == len(dash.CHARTS)  # pictures
    assert "資料來源" in texts[-1] and "文匯報" in texts[-1]


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


def test_custom_chart_keeps_units_apart_and_carries_quotes():
    rows = [{"label": "a", "value": 5e7, "unit": "", "currency": "HKD", "quote": "撥款5,000萬元", "source": "x"},
            {"label": "b", "value": 16, "unit": "实验室", "currency": "", "quote": "16所", "source": "y"}]
    spec = dash.custom_chart(rows, "en").to_dict(validate=True)
    assert spec["facet"]["row"]["field"] == "unit_label" and spec["resolve"]["scale"]["x"] == "independent"
    values = spec["datasets"][next(iter(spec["datasets"]))]
    assert {v["unit_label"] for v in values} == {"HKD", "实验室"} and all(v["quote"] for v in values)
