"""Dashboard kernels are reclaimed (issue 11, item 2) and preheated (item 9), through Voilà's own
processes: a closed page releases its kernel at once, an abandoned one is culled after the idle
timeout, and pages are served by preheated kernels that still honour ``?client=``."""

from __future__ import annotations

import time

import psutil
import pytest

pytestmark = pytest.mark.browser

POOL = 2  # dashboards/voila.json: default_pool_size


def _kernels(voila) -> set[int]:
    """The kernel processes Voilà runs (ipykernel children of the server)."""
    out = set()
    for p in psutil.Process(voila.pid).children(recursive=True):
        try:
            if any("ipykernel" in part for part in p.cmdline()):
                out.add(p.pid)
        except psutil.NoSuchProcess:
            pass
    return out


def _wait_kernels(voila, test, what: str, timeout: float = 90.0) -> set[int]:
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout:
        k = _kernels(voila)
        if test(k):
            return k
        time.sleep(0.5)
    pytest.fail(f"{what}: kernels {sorted(_kernels(voila))} after {timeout:.0f}s")


def _open(browser_or_context, url: str, cid: int):
    page = browser_or_context.new_page()
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{url}?client={cid}", timeout=90_000)
    page.locator("[data-testid=profile-client]").filter(has_text=str(cid)).wait_for(timeout=90_000)
    return page


def test_a_closed_page_releases_its_preheated_kernel(voila_factory, browser, api):
    cid = api["clients"][3]["client_id"]
    voila, url, log = voila_factory("voila-close")
    pool = _wait_kernels(voila, lambda k: len(k) == POOL, "the preheated pool")
    page = _open(browser, url, cid)  # ?client= honoured by a preheated kernel
    assert "Using pre-heated kernel" in log.read_text()
    _wait_kernels(voila, lambda k: len(k) == POOL + 1, "the pool refilled after a page was opened")
    # the advisor leaves the page: Voilà's beforeunload beacon shuts the kernel down (headless
    # Chromium's page.close() does not deliver beacons, so the page navigates away first)
    page.goto("about:blank")
    page.close()
    t0 = time.monotonic()
    left = _wait_kernels(voila, lambda k: len(k) == POOL, "after the page was closed", timeout=20)
    print(f"\nclosed page: kernel released in {time.monotonic() - t0:.1f}s")
    assert len(pool & left) == POOL - 1  # the page's kernel is gone, the other preheated one waits


def test_an_abandoned_page_is_culled_after_the_idle_timeout(voila_factory, browser, api):
    cid = api["clients"][4]["client_id"]
    voila, url, _ = voila_factory(
        "voila-cull", "--MappingKernelManager.cull_idle_timeout=6", "--MappingKernelManager.cull_interval=2"
    )
    _wait_kernels(voila, lambda k: len(k) == POOL, "the preheated pool")
    context = browser.new_context()
    _open(context, url, cid)
    _wait_kernels(voila, lambda k: len(k) == POOL + 1, "the pool refilled after a page was opened")
    context.close()  # the browser went away without unloading the page
    t0 = time.monotonic()
    _wait_kernels(voila, lambda k: len(k) == POOL, "the abandoned page's kernel culled", timeout=60)
    print(f"\nabandoned page: kernel culled {time.monotonic() - t0:.1f}s after the page went away")
    # the preheated kernels (waiting for a page) outlive several cull intervals
    t1 = time.monotonic()
    while time.monotonic() - t1 < 8:
        assert len(_kernels(voila)) == POOL
        time.sleep(1)
