import numpy as np
import pandas as pd
import pytest

from scoring_core.explore import age_years, default_rate_by, missing_share, target_summary


def test_summaries():
    df = pd.DataFrame(
        {"TARGET": [1, 0, 0, 1, 0, 0], "G": ["a", "a", "b", "b", None, "b"], "X": [1.0, np.nan, 3, 4, 5, 6]}
    )
    ms = missing_share(df)
    assert set(ms["column"]) == {"G", "X"} and ms["missing_share"].iloc[0] == pytest.approx(1 / 6)
    rates = default_rate_by(df, "G", min_count=1).set_index("G")
    assert rates.loc["a", "default_rate"] == 0.5 and rates.loc["b", "default_rate"] == pytest.approx(1 / 3)
    assert rates.loc["(missing)", "clients"] == 1
    assert target_summary(df["TARGET"]) == {"clients": 6, "defaults": 2, "default_rate": pytest.approx(1 / 3)}
    assert age_years(pd.Series([-365.25 * 30])).iloc[0] == pytest.approx(30)
    with pytest.raises(KeyError):
        default_rate_by(df, "nope")
