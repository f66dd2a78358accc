"""Synthetic, contract-valid plan and extracts at the size of a whole ESR programme, for the benchmark.

    python scripts/generate_national.py --out /tmp/national \\
        --implementers 300 --participants 1000000 --bookings 10000000 --person-days 3000000

Writes OUT/plan/ (project.toml, implementers, municipalities, budget, financing, targets) and
OUT/extracts/ (participants, person_days, spending) as Parquet (or CSV with --format csv), split
into files of at most --rows-per-file rows as offices would deliver them. Seeded and vectorised:
the same arguments give the same data; a million rows take seconds. Nothing here is real: ids,
names and municipalities are made up; only the code lists are the contract's.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dashboard import contract  # noqa: E402

START, END = dt.date(2021, 1, 1), dt.date(2027, 12, 31)
DATA_UNTIL = dt.date(2026, 10, 31)  # the programme is under way: extracts run to here
REGIONS = (
    "Uusimaa", "Varsinais-Suomi", "Satakunta", "Kanta-Häme", "Pirkanmaa", "Päijät-Häme", "Kymenlaakso",
    "Etelä-Karjala", "Etelä-Savo", "Pohjois-Savo", "Pohjois-Karjala", "Keski-Suomi", "Etelä-Pohjanmaa",
    "Pohjanmaa", "Keski-Pohjanmaa", "Pohjois-Pohjanmaa", "Kainuu", "Lappi",
)  # fmt: skip
YEARS = range(START.year, END.year + 1)
STATUSES = ("unemployed", "in_education", "employed", "outside_labour_market")
STATUS_WEIGHTS = (0.55, 0.15, 0.15, 0.15)
DAY_TYPES = ("contact_teaching", "distance_teaching", "subsidised_employment", "guidance_consulting", "other")
EXITS = ("job_seeking", "in_education", "qualification", "employed", "none")
CATEGORIES = ("salaries", "purchased_services", "other_costs", "revenue")
CATEGORY_WEIGHTS = (0.55, 0.25, 0.19, 0.01)


def log(message: str) -> None:
    print(f"{time.strftime('%H:%M:%S')} {message}", file=sys.stderr, flush=True)


def days_between(rng, count: int, first: dt.date, last: dt.date) -> np.ndarray:
    offsets = rng.integers(0, (last - first).days + 1, size=count)
    return np.datetime64(first, "D") + offsets.astype("timedelta64[D]")


def make_plan(rng, implementers: int, municipalities_each: int) -> dict[str, pd.DataFrame]:
    ids = [f"t{n:03d}" for n in range(1, implementers + 1)]
    sizes = rng.lognormal(0, 0.6, implementers)  # some implementers are much bigger than others
    frame = pd.DataFrame(
        {
            "implementer_id": ids,
            "name": [f"Toteuttaja {n:03d} (synteettinen)" for n in range(1, implementers + 1)],
            "area": [f"Alue {n:03d}" for n in range(1, implementers + 1)],
            "role": ["main"] + ["co"] * (implementers - 1),
        }
    )
    towns = []
    for n, implementer in enumerate(ids):
        region = REGIONS[n % len(REGIONS)]
        towns += [(f"Kunta {n + 1:03d}-{k + 1}", implementer, region) for k in range(municipalities_each)]
    municipalities = pd.DataFrame(towns, columns=["municipality", "implementer_id", "region"])
    budget_rows, financing_rows = [], []
    for implementer, size in zip(ids, sizes, strict=True):
        for year in YEARS:
            salaries = round(120_000 * size * rng.uniform(0.8, 1.2))
            amounts = {
                "salaries": salaries,
                "purchased_services": round(salaries * 0.45),
                "other_costs": round(salaries * 0.3),
                "flat_rate": round(salaries * 0.17),
                "revenue": round(salaries * 0.02),
            }
            budget_rows += [(implementer, year, category, amount) for category, amount in amounts.items()]
            net = sum(amounts.values()) - 2 * amounts["revenue"]
            financing_rows += [
                (implementer, year, "esr_state", "ESR ja valtio", round(net * 0.75)),
                (implementer, year, "municipal", "Kunnat", net - round(net * 0.75)),
            ]
    budget = pd.DataFrame(budget_rows, columns=["implementer_id", "year", "cost_category", "amount_eur"])
    financing = pd.DataFrame(financing_rows, columns=["implementer_id", "year", "source", "funder", "amount_eur"])
    return {"implementers": frame, "municipalities": municipalities, "budget": budget, "financing": financing, "sizes": sizes}


def make_targets(participants: int, person_days: float, shares: np.ndarray, ids: list[str]) -> pd.DataFrame:
    rows = []
    for status, weight in zip(STATUSES, STATUS_WEIGHTS, strict=True):
        rows.append(("participants", "", status, "", "", "", round(participants * 1.1 * weight)))
    rows.append(("participants", "", "", "", "F", "", round(participants * 1.1 * 0.52)))
    rows.append(("participants", "", "", "", "", "", round(participants * 1.1)))
    for implementer, share in zip(ids, shares, strict=True):
        rows.append(("participants", implementer, "", "", "", "", max(1, round(participants * 1.1 * share))))
        rows.append(("person_days", implementer, "", "", "", "", max(1, round(person_days * 1.1 * share))))
    rows.append(("person_days", "", "", "", "", "", round(person_days * 1.1)))
    columns = ["indicator", "implementer_id", "labour_market_status", "age_group", "gender", "day_type", "target"]
    return pd.DataFrame(rows, columns=columns)


def pick_municipalities(rng, implementer_index: np.ndarray, each: int, implementers: int) -> np.ndarray:
    names = np.array([f"Kunta {n + 1:03d}-{k + 1}" for n in range(implementers) for k in range(each)])
    return names[implementer_index * each + rng.integers(0, each, size=len(implementer_index))]


def make_participants(rng, count: int, shares: np.ndarray, ids: np.ndarray, each: int) -> pd.DataFrame:
    who = rng.choice(len(ids), size=count, p=shares)
    start = days_between(rng, count, START, DATA_UNTIL)
    stay = rng.integers(30, 700, size=count).astype("timedelta64[D]")
    end = start + stay
    left = end <= np.datetime64(DATA_UNTIL)
    ages = np.clip(rng.normal(38, 13, count).round(), 16, 75).astype(int)
    return pd.DataFrame(
        {
            "participant_id": np.char.add("N", np.char.zfill(np.arange(count).astype(str), 8)),
            "implementer_id": ids[who],
            "municipality": pick_municipalities(rng, who, each, len(ids)),
            "start_date": start,
            "end_date": pd.Series(np.where(left, end, np.datetime64("NaT"))).astype("datetime64[s]"),
            "gender": rng.choice(["F", "M", "X"], size=count, p=[0.52, 0.46, 0.02]),
            "age_at_start": ages,
            "labour_market_status": rng.choice(STATUSES, size=count, p=STATUS_WEIGHTS),
            "long_term_unemployed": rng.random(count) < 0.25,
            "education_isced": rng.integers(1, 8, size=count),
            "exit_status": np.where(left, rng.choice(EXITS, size=count), None),
        }
    )


def add_reentries(
    rng, frame: pd.DataFrame, share: float, movers: float = 0.0, municipalities: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Turn `share` of the rows into later entries of people who have left: the same implementer,
    id, municipality, gender and age, starting 1-199 days after the exit (while inside the data).
    A `movers` share of them has moved to another of the implementer's municipalities in the plan (a
    person is an id within an implementer; municipality filters count such people in each)."""
    left = np.flatnonzero(frame["end_date"].notna().to_numpy())
    count = min(int(share * len(frame)), len(left) // 2)
    earlier = rng.choice(left, size=count, replace=False)
    later = rng.choice(np.setdiff1d(np.arange(len(frame)), earlier), size=count, replace=False)
    exit_day = frame["end_date"].to_numpy().astype("datetime64[D]")[earlier]
    start = exit_day + rng.integers(1, 200, size=count).astype("timedelta64[D]")
    fits = start <= np.datetime64(DATA_UNTIL)
    earlier, later, start = earlier[fits], later[fits], start[fits]
    stay = (
        frame["end_date"].to_numpy().astype("datetime64[D]")[later]
        - frame["start_date"].to_numpy().astype("datetime64[D]")[later]
    )
    stay = np.where(np.isnat(stay), rng.integers(30, 700, size=len(later)).astype("timedelta64[D]"), stay)
    end = start + stay
    ended = end <= np.datetime64(DATA_UNTIL)
    frame = frame.copy()
    for column in ("participant_id", "implementer_id", "municipality", "gender", "age_at_start"):
        frame.loc[later, column] = frame[column].to_numpy()[earlier]
    towns = (
        pd.Series(dtype=object) if municipalities is None else municipalities.groupby("implementer_id")["municipality"].agg(list)
    )
    if len(towns) and towns.map(len).min() > 1:
        moved = later[rng.random(len(later)) < movers]
        own = towns.reindex(frame.loc[moved, "implementer_id"]).tolist()
        steps = rng.integers(1, [len(names) for names in own]) if own else []
        frame.loc[moved, "municipality"] = [
            names[(names.index(town) + step) % len(names)]
            for names, town, step in zip(own, frame.loc[moved, "municipality"], steps, strict=True)
        ]
    frame.loc[later, "start_date"] = start
    frame.loc[later, "end_date"] = pd.Series(np.where(ended, end, np.datetime64("NaT")), index=later).astype("datetime64[s]")
    frame.loc[later, "exit_status"] = np.where(ended, rng.choice(EXITS, size=len(later)), None)
    return frame


def make_person_days(rng, count: int, shares: np.ndarray, ids: np.ndarray, each: int) -> pd.DataFrame:
    who = rng.choice(len(ids), size=count, p=shares)
    return pd.DataFrame(
        {
            "date": days_between(rng, count, START, DATA_UNTIL),
            "implementer_id": ids[who],
            "municipality": pick_municipalities(rng, who, each, len(ids)),
            "day_type": rng.choice(DAY_TYPES, size=count, p=[0.3, 0.1, 0.1, 0.3, 0.2]),
            "days": rng.integers(1, 41, size=count) / 2,
        }
    )


def make_spending(rng, count: int, shares: np.ndarray, ids: np.ndarray, mean_amount: float) -> pd.DataFrame:
    who = rng.choice(len(ids), size=count, p=shares)
    category = rng.choice(CATEGORIES, size=count, p=CATEGORY_WEIGHTS)
    amount = np.round(rng.lognormal(np.log(mean_amount) - 0.5, 1.0, count), 2)  # a lognormal's mean is e^(mu + 1/2)
    amount = np.where(rng.random(count) < 0.02, -amount, amount)  # corrections
    return pd.DataFrame(
        {
            "date": days_between(rng, count, START, DATA_UNTIL),
            "implementer_id": ids[who],
            "cost_category": category,
            "amount_eur": amount,
            "voucher_id": np.char.add("V", np.arange(count).astype(str)),
        }
    )


def _paced(rng, shares: np.ndarray) -> np.ndarray:
    """Shares with each implementer's own pace, 0.7-1.25 times its plan."""
    paced = shares * rng.uniform(0.7, 1.25, len(shares))
    return paced / paced.sum()


def write(frame: pd.DataFrame, folder: Path, kind: str, fmt: str, rows_per_file: int) -> None:
    parts = max(1, -(-len(frame) // rows_per_file))
    for part in range(parts):
        chunk = frame.iloc[part * rows_per_file : (part + 1) * rows_per_file]
        path = folder / f"{kind}_{part + 1:03d}.{fmt}"
        if fmt == "parquet":
            for column in chunk.columns:
                if str(chunk[column].dtype).startswith("datetime64"):
                    chunk = chunk.assign(**{column: chunk[column].dt.date})
            chunk.to_parquet(path, index=False)
        else:
            chunk.to_csv(path, index=False, date_format="%Y-%m-%d")
        log(f"wrote {path.name} ({len(chunk):,} rows)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--implementers", type=int, default=300)
    parser.add_argument("--municipalities-each", type=int, default=4)
    parser.add_argument("--participants", type=int, default=1_000_000, help="participant rows (entries)")
    parser.add_argument("--bookings", type=int, default=10_000_000)
    parser.add_argument("--person-days", type=int, default=3_000_000)
    parser.add_argument("--reentries", type=float, default=0.05, help="share of participant rows that re-enter someone")
    parser.add_argument(
        "--movers", type=float, default=0.2, help="share of re-entries in another municipality of the implementer"
    )
    parser.add_argument("--format", choices=("parquet", "csv"), default="parquet")
    parser.add_argument("--rows-per-file", type=int, default=2_000_000)
    parser.add_argument("--seed", type=int, default=2021)
    args = parser.parse_args(argv)
    rng = np.random.default_rng(args.seed)
    plan_dir, extracts_dir = args.out / "plan", args.out / "extracts"
    plan_dir.mkdir(parents=True, exist_ok=True)
    extracts_dir.mkdir(parents=True, exist_ok=True)
    for old in extracts_dir.iterdir():
        old.unlink()

    plan = make_plan(rng, args.implementers, args.municipalities_each)
    shares = plan.pop("sizes")
    shares = shares / shares.sum()
    ids = plan["implementers"]["implementer_id"].to_numpy()
    plan["targets"] = make_targets(args.participants, args.person_days * 10.5, shares, list(ids))
    # Each implementer at a pace of its own against its plan, in spending and in participants, so
    # that some are behind, some on track and some ahead; the programme as a whole spends about its
    # budget's share of the time elapsed, whatever the number of bookings.
    spend_shares = _paced(rng, shares)
    people_shares = _paced(rng, shares)
    budget = plan["budget"]
    net_budget = budget["amount_eur"].sum() - 2 * budget.loc[budget["cost_category"] == "revenue", "amount_eur"].sum()
    elapsed = (DATA_UNTIL - START).days / (END - START).days
    mean_amount = net_budget * elapsed / max(args.bookings, 1)
    (plan_dir / "project.toml").write_text(
        'name = "ESR-ohjelma, synteettinen kansallinen aineisto"\n'
        f"start_date = {START.isoformat()}\nend_date = {END.isoformat()}\n"
        'flat_rate = 0.17\nsuppression_threshold = 5\nlanguage = "fi"\n',
        encoding="utf-8",
    )
    for name in contract.PLAN_TABLES:
        plan[name].to_csv(plan_dir / f"{name}.csv", index=False)
    log(f"plan: {args.implementers} implementers, {len(plan['municipalities'])} municipalities")

    log(f"participants: {args.participants:,} rows …")
    participants = make_participants(rng, args.participants, people_shares, ids, args.municipalities_each)
    participants = add_reentries(rng, participants, args.reentries, args.movers, plan["municipalities"])
    write(participants, extracts_dir, "participants", args.format, args.rows_per_file)
    log(f"person_days: {args.person_days:,} rows …")
    person_days = make_person_days(rng, args.person_days, people_shares, ids, args.municipalities_each)
    write(person_days, extracts_dir, "person_days", args.format, args.rows_per_file)
    log(f"spending: {args.bookings:,} rows …")
    for first in range(0, args.bookings, args.rows_per_file):  # in slices: 10 M rows at once would need several GiB
        count = min(args.rows_per_file, args.bookings - first)
        chunk = make_spending(rng, count, spend_shares, ids, mean_amount)
        chunk["voucher_id"] = np.char.add("V", (np.arange(count) + first).astype(str))
        path = extracts_dir / f"spending_{first // args.rows_per_file + 1:03d}.{args.format}"
        if args.format == "parquet":
            chunk.assign(date=chunk["date"].dt.date).to_parquet(path, index=False)
        else:
            chunk.to_csv(path, index=False, date_format="%Y-%m-%d")
        log(f"wrote {path.name} ({count:,} rows)")
    log(f"done: plan in {plan_dir}, extracts in {extracts_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
