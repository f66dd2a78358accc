"""Make the synthetic ESR+ 2021–2027 example project in data/examples/esr_plus/: its plan and seeded
demo extracts (`python data/examples/generate_esr_plus.py`). Not a real project: every name of
an organisation, every figure and every person is made up (the municipalities are real places).

Seeded: running it again writes the same files byte for byte. The story, 1.3.2024 to 31.10.2026 of
a project that runs to 30.6.2027: three implementers with the 40 % flat rate that covers every cost
besides salaries (so they book salaries and revenue only); young people and the long-term
unemployed entering and leaving; follow-ups six months after leaving for most of those who left in
time. Disability, foreign background, third-country nationality, minority and rural residence are
asked (some refuse); homelessness is not asked at all, so EECO16 reads "not collected". A few
participants are non-binary, as in a real project: the small-cell protection must keep them safe."""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
from pathlib import Path

HERE = Path(__file__).resolve().parent / "esr_plus"
PLAN, EXTRACTS = HERE / "plan", HERE / "extracts"
START, END, LAST_DAY = dt.date(2024, 3, 1), dt.date(2027, 6, 30), dt.date(2026, 10, 31)
SEED = 20240301
FLAT_RATE = 0.40

IMPLEMENTERS = [
    ("polku", "Esimerkkilän kaupunki (esimerkki)", "Etelä-Pohjanmaa", "main"),
    ("ranta", "Rannikon koulutuskuntayhtymä (esimerkki)", "Pohjanmaa", "co"),
    ("jarvi", "Järviseudun Ohjaamo ry (esimerkki)", "Keski-Suomi", "co"),
]
MUNICIPALITIES = {
    "polku": [("Seinäjoki", "Etelä-Pohjanmaa", 5), ("Lapua", "Etelä-Pohjanmaa", 2), ("Kauhava", "Etelä-Pohjanmaa", 1.5)],
    "ranta": [("Vaasa", "Pohjanmaa", 4), ("Mustasaari", "Pohjanmaa", 2), ("Kokkola", "Keski-Pohjanmaa", 3)],
    "jarvi": [("Jyväskylä", "Keski-Suomi", 5), ("Äänekoski", "Keski-Suomi", 1.5)],
}
# Yearly salaries budget per implementer (2024 from March, 2027 to June), and its revenue.
SALARIES = {"polku": 260_000, "ranta": 180_000, "jarvi": 120_000}
REVENUE = {"polku": 4_000, "ranta": 2_000, "jarvi": 0}
YEAR_SHARE = {2024: 10 / 12, 2025: 1.0, 2026: 1.0, 2027: 6 / 12}
# How each behaves: share of planned salaries booked, and participants a month at full pace.
BEHAVIOUR = {"polku": (0.96, 9.0), "ranta": (1.08, 6.5), "jarvi": (0.82, 3.5)}
STATUSES = {"unemployed": 0.58, "in_education": 0.17, "employed": 0.08, "outside_labour_market": 0.17}
AGES = [((15, 17), 0.08), ((18, 29), 0.47), ((30, 54), 0.33), ((55, 64), 0.12)]
EXITS = {"job_seeking": 0.28, "in_education": 0.2, "qualification": 0.08, "employed": 0.24, "none": 0.2}
# Share asked and answering "true" for each optional characteristic (homeless: never asked).
FLAGS = {
    "disability": (0.85, 0.12),
    "third_country_national": (0.95, 0.10),
    "foreign_background": (0.95, 0.22),
    "minority": (0.6, 0.06),
    "rural": (0.9, 0.3),
}
DAY_TYPES = {"guidance_consulting": 0.6, "contact_teaching": 0.25, "other": 0.15}


DEMO_NOTE = """# Example extracts: not real data

A synthetic ESR+ 2021–2027 project made by `data/examples/generate_esr_plus.py` (seeded; rerun it to
get the same files): made-up participants (with the optional characteristics of ESR+ and a few
non-binary persons), follow-ups six months after leaving, person-days, salary bookings under the
40 % flat rate that covers every other cost, and payment claims. The dashboard marks every view of
this folder as demo data. Homelessness is never asked, so EECO16 reads "not collected".
"""


def month_ends(first: dt.date, last: dt.date) -> list[dt.date]:
    ends, year, month = [], first.year, first.month
    while True:
        day = dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)
        if day > last:
            return ends
        ends.append(day)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def write(path: Path, header: list[str], rows: list[list]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")


def pick(rng: random.Random, weights: dict):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def plan() -> None:
    (PLAN / "project.toml").parent.mkdir(parents=True, exist_ok=True)
    (PLAN / "project.toml").write_text(
        "# A synthetic ESR+ 2021–2027 example project, not a real one: data/examples/generate_esr_plus.py\n"
        'name = "Osaava Polku (esimerkki)"\n'
        f"start_date = {START.isoformat()}\n"
        f"end_date = {END.isoformat()}\n"
        f"flat_rate = {FLAT_RATE}\n"
        "suppression_threshold = 5\n"
        'language = "fi"\n'
        'programme = "esr_plus_2021_2027"\n'
        'cost_model = "flat_rate_covers_other"\n',
        encoding="utf-8",
    )
    write(PLAN / "implementers.csv", ["implementer_id", "name", "area", "role"], [list(i) for i in IMPLEMENTERS])
    write(
        PLAN / "municipalities.csv",
        ["municipality", "implementer_id", "region"],
        [[town, implementer, region] for implementer, towns in MUNICIPALITIES.items() for town, region, _ in towns],
    )
    budget, financing = [], []
    for implementer, salaries in SALARIES.items():
        for year, share in YEAR_SHARE.items():
            pay = round(salaries * share)
            flat, revenue = round(pay * FLAT_RATE), round(REVENUE[implementer] * share)
            budget += [[implementer, year, "salaries", pay], [implementer, year, "flat_rate", flat]]
            if revenue:
                budget.append([implementer, year, "revenue", revenue])
            net = pay + flat - revenue
            municipal = round(net * 0.2)
            financing += [
                [implementer, year, "esr_state", "ESR+ ja valtio (EURA 2021)", net - municipal],
                [implementer, year, "municipal", "Kuntarahoitus", municipal],
            ]
    write(PLAN / "budget.csv", ["implementer_id", "year", "cost_category", "amount_eur"], budget)
    write(PLAN / "financing.csv", ["implementer_id", "year", "source", "funder", "amount_eur"], financing)
    head = ["indicator", "implementer_id", "labour_market_status", "age_group", "gender", "day_type", "target"]
    targets = [
        ["participants", "", "", "", "", "", 900],
        ["participants", "", "", "", "F", "", 450],
        ["participants", "", "unemployed", "18_29", "", "", 260],
        ["participants", "", "unemployed", "30_54", "", "", 180],
        ["participants", "", "in_education", "under_18", "", "", 60],
        ["participants", "polku", "", "", "", "", 430],
        ["participants", "ranta", "", "", "", "", 310],
        ["participants", "jarvi", "", "", "", "", 160],
        ["EECO02", "", "", "", "", "", 520],
        ["EECO03", "", "", "", "", "", 200],
        ["EECO07", "", "", "", "", "", 420],
        ["EECO12", "", "", "", "", "", 80],
        ["EECR04", "", "", "", "", "", 170],
        ["EECR05", "", "", "", "", "", 200],
        ["person_days", "", "", "", "", "", 9000],
        ["person_days", "", "", "", "", "guidance_consulting", 5400],
        ["person_days", "", "", "", "", "contact_teaching", 2300],
        ["person_days", "", "", "", "", "other", 1300],
    ]
    write(PLAN / "targets.csv", head, targets)
    periods, first = [], START
    while first <= END:
        last = dt.date(first.year, 6, 30) if first.month <= 6 else dt.date(first.year, 12, 31)
        periods.append([f"{first.year}/{1 if first.month <= 6 else 2}", first.isoformat(), min(last, END).isoformat()])
        first = last + dt.timedelta(days=1)
    write(PLAN / "payment_periods.csv", ["period_id", "start_date", "end_date"], periods)
    meetings = [
        ["2024-04-10", "Ohjausryhmä 1 (esimerkki)", "Toimintasuunnitelma hyväksyttiin; kokoukset neljännesvuosittain."],
        ["2024-10-02", "Ohjausryhmä 2 (esimerkki)", "Ohjaamon rekrytointia vahvistetaan Äänekoskella."],
        ["2025-03-19", "Ohjausryhmä 3 (esimerkki)", "Seurantakysely kuusi kuukautta lähdön jälkeen otetaan käyttöön."],
        ["2025-09-24", "Ohjausryhmä 4 (esimerkki)", "Rannikon palkkakustannukset ylittävät suunnitelman: seurataan."],
        ["2026-03-11", "Ohjausryhmä 5 (esimerkki)", "Muutoshakemusta ei tarvita; EECO07-tavoite pidetään."],
        ["2026-09-16", "Ohjausryhmä 6 (esimerkki)", "Loppuraportin aikataulu sovittiin."],
    ]
    write(PLAN / "meetings.csv", ["date", "title", "decisions"], meetings)


def participants(rng: random.Random) -> tuple[list[list], list[list]]:
    rows, followups, number = [], [], 0
    for implementer, (_, pace) in BEHAVIOUR.items():
        towns = MUNICIPALITIES[implementer]
        for month_end in month_ends(START, LAST_DAY):
            ramp = min(1.0, (month_end - START).days / 150 + 0.25)
            for _ in range(round(rng.gauss(pace * ramp, 1.2))):
                number += 1
                start = month_end.replace(day=rng.randint(1, month_end.day))
                low, high = rng.choices([a for a, _ in AGES], weights=[w for _, w in AGES])[0]
                status = pick(rng, STATUSES)
                long_term = "" if status != "unemployed" else ("true" if rng.random() < 0.38 else "false")
                if status == "unemployed" and rng.random() < 0.05:
                    long_term = ""  # not told
                isced = "" if rng.random() < 0.04 else rng.choice([0, 1, 2, 2, 3, 3, 3, 4, 5, 6, 7])
                ends = start + dt.timedelta(days=rng.randint(60, 420))
                end = ends if ends <= LAST_DAY and rng.random() < 0.9 else None
                exit_status = "" if end is None else ("" if rng.random() < 0.05 else pick(rng, EXITS))
                gender = "X" if rng.random() < 0.008 else ("F" if rng.random() < 0.52 else "M")
                flags = []
                for asked, true in FLAGS.values():
                    answer = rng.random()
                    flags.append("" if answer > asked else ("true" if rng.random() < true else "false"))
                town = rng.choices([t for t, _, _ in towns], weights=[w for _, _, w in towns])[0]
                pid = f"{implementer[:3].upper()}-{number:05d}"
                age = rng.randint(low, high)
                ended = end.isoformat() if end else ""
                rows.append(
                    [pid, implementer, town, start.isoformat(), ended, gender, age, status, long_term, isced, exit_status, *flags]
                )
                # The follow-up about six months after leaving, for most of those who left in time.
                if end is not None and end + dt.timedelta(days=183) <= LAST_DAY and rng.random() < 0.75:
                    employed = exit_status == "employed" or rng.random() < 0.3
                    improved = employed or rng.random() < 0.35
                    day = end + dt.timedelta(days=rng.randint(175, 200))
                    if day <= LAST_DAY:
                        followups.append([pid, implementer, day.isoformat(), str(employed).lower(), str(improved).lower()])
    rows.sort(key=lambda r: (r[3], r[0]))
    followups.sort(key=lambda r: (r[2], r[0]))
    return rows, followups


def person_days(rng: random.Random, people: list[list]) -> list[list]:
    rows = []
    for month_end in month_ends(START, LAST_DAY):
        first = month_end.replace(day=1)
        for implementer, _, _, _ in IMPLEMENTERS:
            for town, _, _ in MUNICIPALITIES[implementer]:
                active = sum(
                    1
                    for p in people
                    if p[1] == implementer
                    and p[2] == town
                    and p[3] <= month_end.isoformat()
                    and (not p[4] or p[4] >= first.isoformat())
                )
                if not active:
                    continue
                for day_type, share in DAY_TYPES.items():
                    days = round(active * share * rng.uniform(1.2, 1.8) * 2) / 2
                    if days:
                        rows.append([month_end.isoformat(), implementer, town, day_type, days])
    return rows


def spending(rng: random.Random) -> list[list]:
    rows, voucher = [], 0
    for implementer, (spend, _) in BEHAVIOUR.items():
        monthly = SALARIES[implementer] / 12
        for month_end in month_ends(START, LAST_DAY):
            ramp = min(1.0, (month_end - START).days / 90 + 0.4)
            voucher += 1
            amount = round(monthly * spend * ramp * rng.uniform(0.93, 1.07), 2)
            rows.append([month_end.isoformat(), implementer, "salaries", f"{amount:.2f}", f"P{voucher:06d}", "Palkat"])
            if REVENUE[implementer] and month_end.month in (6, 12):
                voucher += 1
                amount = round(REVENUE[implementer] / 2 * rng.uniform(0.8, 1.2), 2)
                rows.append(
                    [month_end.isoformat(), implementer, "revenue", f"{amount:.2f}", f"T{voucher:06d}", "Osallistumismaksut"]
                )
    voucher += 1  # a salary correction, as real books have
    rows.append(["2025-05-31", "ranta", "salaries", "-1840.50", f"K{voucher:06d}", "Oikaisu: kaksoiskirjaus"])
    rows.sort(key=lambda r: (r[0], r[1], r[4]))
    return rows


def claims(rng: random.Random, booked: list[list]) -> list[list]:
    rows = []
    for period_id, first, last in _periods():
        if dt.date.fromisoformat(last) + dt.timedelta(days=75) > LAST_DAY:
            continue
        for implementer, _, _, _ in IMPLEMENTERS:
            net = 0.0
            for day, who, category, amount, _, _ in booked:
                if who == implementer and first <= day <= last:
                    net += float(amount) * (1 + FLAT_RATE) if category == "salaries" else -float(amount)
            submitted = dt.date.fromisoformat(last) + dt.timedelta(days=rng.randint(35, 60))
            approved = round(net * rng.uniform(0.97, 1.0), 2)
            paid = submitted + dt.timedelta(days=rng.randint(40, 70))
            # paid at the ESR+ and state share of the financing plan (80 %), as real payments are
            paid_cells = [paid.isoformat(), f"{approved * 0.8:.2f}"] if paid <= LAST_DAY else ["", ""]
            rows.append([period_id, implementer, submitted.isoformat(), f"{net:.2f}", f"{approved:.2f}", *paid_cells])
    return rows


def _periods() -> list[tuple[str, str, str]]:
    with (PLAN / "payment_periods.csv").open(encoding="utf-8") as handle:
        return [(r["period_id"], r["start_date"], r["end_date"]) for r in csv.DictReader(handle)]


def main() -> None:
    rng = random.Random(SEED)
    plan()
    people, followups = participants(rng)
    head = ["participant_id", "implementer_id", "municipality", "start_date", "end_date", "gender", "age_at_start"]
    head += ["labour_market_status", "long_term_unemployed", "education_isced", "exit_status", *FLAGS]
    write(EXTRACTS / "participants.csv", head, people)
    write(EXTRACTS / "followups.csv", ["participant_id", "implementer_id", "date", "employed", "improved_situation"], followups)
    write(EXTRACTS / "person_days.csv", ["date", "implementer_id", "municipality", "day_type", "days"], person_days(rng, people))
    booked = spending(rng)
    write(
        EXTRACTS / "spending.csv", ["date", "implementer_id", "cost_category", "amount_eur", "voucher_id", "description"], booked
    )
    claim_head = ["period_id", "implementer_id", "submitted_date", "claimed_eur", "approved_eur", "paid_date", "paid_eur"]
    write(EXTRACTS / "claims.csv", claim_head, claims(rng, booked))
    (EXTRACTS / "DEMO.md").write_text(DEMO_NOTE, encoding="utf-8")  # the dashboard marks every view of it as demo data
    print(f"wrote {HERE}: {len(people)} participants, {len(followups)} follow-ups, {len(booked)} bookings")


if __name__ == "__main__":
    main()
