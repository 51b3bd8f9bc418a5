"""The Voilà dashboard in a real browser (headless Chromium from the system, driven by Playwright;
servers and browser from ``conftest.py``). Screenshots go to ``build/screenshots/`` (git-ignored).
"""

from __future__ import annotations

import time

import httpx
import pytest

pytestmark = pytest.mark.browser


def _verdict(page) -> str:
    return page.locator(".scoring-verdict").first.inner_text()


def _sensitive_client(api: str, key: str, candidates: list[dict]) -> dict:
    """A client whose score moves when the credit amount is 2.5 times higher at the same term
    (so the payment too; asked to the API), so that the browser test checks the page's wiring,
    not one client's sensitivity."""
    h = {"X-API-Key": key}
    for c in candidates:
        profile = httpx.get(f"{api}/clients/{c['client_id']}", headers=h).json()
        if not profile.get("loan"):
            continue
        changes = {"AMT_CREDIT": profile["AMT_CREDIT"] * 2.5, "CNT_PAYMENT": profile["loan"]["term_months"]}
        w = httpx.post(f"{api}/clients/{c['client_id']}/whatif", headers=h, json={"changes": changes}).json()
        if abs(w["score"]["probability"] - c["probability"]) > 0.001:
            return c
    pytest.fail("no client's score moves with the annuity: the synthetic model ignores it")


def test_dashboard_end_to_end(servers, browser, shot, api_key):
    clients = servers["clients"]
    refused = next(c for c in clients if c["decision"] == "refuse")
    approved = _sensitive_client(
        servers["api"], api_key, [c for c in clients if c["decision"] == "approve"][:60]
    )
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    t0 = time.monotonic()
    page.goto(f"{servers['url']}?client={refused['client_id']}", timeout=90_000)
    page.locator("[data-testid=reasons] li").first.wait_for(timeout=90_000)
    cold = time.monotonic() - t0
    print(f"cold start to an interactive page: {cold:.1f}s")
    assert "Refuse" in _verdict(page)
    shown = f"{100 * refused['probability']:.1f}%"
    page.wait_for_function(  # the gauge's number (plotly animates it to the value)
        "(v) => [...document.querySelectorAll('.indicatorlayer .number')].some(n => n.textContent === v)",
        arg=shown,
        timeout=10_000,
    )
    assert page.locator("[data-testid=reasons] li").count() >= 3
    assert "TARGET" not in page.content()
    shot(page, "01_client_from_url")

    # pick another client by typing its ID
    box = page.get_by_placeholder("type an ID or its first digits")
    box.fill(str(approved["client_id"]))
    box.press("Enter")
    page.wait_for_function(
        "() => document.querySelector('.scoring-verdict') && "
        "document.querySelector('.scoring-verdict').innerText.includes('Approve')",
        timeout=30_000,
    )
    # the panels update one after the other (the gauge first): wait for the profile, never read
    # it at once (reading it right after the verdict changed made this test fail now and then)
    page.locator("[data-testid=profile-client]").filter(has_text=str(approved["client_id"])).wait_for()
    shot(page, "02_client_picked")

    # the comparison tab draws the population views
    page.get_by_role("tab", name="Comparison").click()
    page.get_by_text("This client among all clients").wait_for()
    shot(page, "03_comparison")

    # what-if: type a larger credit amount into its slider's readout (same term, so a larger
    # payment) and see the score change
    page.get_by_role("tab", name="What if").click()
    readout = page.locator(".widget-slider .widget-readout").first
    readout.wait_for()
    before = float(readout.inner_text().replace(",", ""))
    readout.click()
    page.keyboard.press("Control+A")
    page.keyboard.type(str(int(before * 2.5)))
    page.keyboard.press("Enter")
    result = page.locator("[data-testid=whatif-result]")
    result.wait_for(timeout=30_000)
    text = result.inner_text()
    assert "simulated" in text and "pts" in text
    change = float(text.split("change")[1].split("pts")[0].replace("\u2212", "-").strip())
    assert change != 0
    assert float(readout.inner_text().replace(",", "")) > before
    page.wait_for_function(  # the what-if gauge shows the change against the current score
        "() => [...document.querySelectorAll('.indicatorlayer .delta')].some(n => n.textContent.includes('pts'))",
        timeout=10_000,
    )
    shot(page, "04_whatif")

    # the threshold tuner
    page.get_by_role("tab", name="Threshold").click()
    page.locator("[data-testid=confusion]").wait_for()
    shot(page, "05_threshold")
    page.close()


def test_french_and_errors(servers, browser, shot):
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    cid = servers["clients"][0]["client_id"]
    page.goto(f"{servers['url']}?client={cid}&lang=fr", timeout=90_000)
    page.locator("[data-testid=reasons] li").first.wait_for(timeout=90_000)
    assert any(w in _verdict(page) for w in ("Accord", "Refus"))
    assert "Principaux facteurs" in page.content()
    shot(page, "06_french")

    # the printable summary: the advisor clicks, the page to hand over shows this client, in French
    page.locator(".scoring-summary-button").click()
    preview = page.frame_locator("iframe.scoring-summary-preview")
    body = preview.locator("body")
    body.wait_for(timeout=30_000)
    text = body.inner_text()
    assert str(cid) in text
    assert any(w in text for w in ("accord", "Accord", "refus", "Refus"))
    assert "TARGET" not in text and "Decision" not in text
    assert page.locator("a.scoring-summary-link").get_attribute("href").startswith("data:text/html")
    shot(page, "06b_french_summary")

    page.goto(f"{servers['url']}?client=999999999", timeout=90_000)
    alert = page.locator("[data-testid=dashboard-error]")
    alert.wait_for(timeout=90_000)
    assert "999999999" in alert.inner_text()
    shot(page, "07_unknown_client")
    page.close()
