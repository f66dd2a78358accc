"""Make the PRO SOS demo extracts in data/demo/ from the plan: `python data/generate_demo.py`.

Seeded: running it again writes the same files byte for byte. The story it tells, 1.8.2016 to
30.6.2018: salaries booked monthly near each implementer's plan, purchased services in lumps, a
few corrections; participants entering and leaving, shaped like the 12.2 targets. Areas differ as
real ones do: Socca spends ahead of plan, Socom started late and is clearly behind, Verso recruits
participants slowly. spending.csv is written as Finnish Excel writes it (; and decimal comma,
d.m.yyyy, Finnish headers); the other files use the canonical format."""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
PLAN, DEMO = ROOT / "plan", ROOT / "demo"
FIRST_DAY, LAST_DAY = dt.date(2016, 8, 1), dt.date(2018, 6, 30)
SEED = 20160801

# How each area behaves: share of planned spending actually booked, month the work really
# started, and the pace of recruitment relative to an even path to the target.
BEHAVIOUR = {
    "seamk": {"spend": 0.97, "start": dt.date(2016, 8, 1), "recruit": 1.00},
    "koske": {"spend": 0.94, "start": dt.date(2016, 9, 1), "recruit": 0.95},
    "socca": {"spend": 1.14, "start": dt.date(2016, 8, 1), "recruit": 1.10},
    "socom": {"spend": 0.66, "start": dt.date(2017, 1, 1), "recruit": 0.70},
    "vasso": {"spend": 1.00, "start": dt.date(2016, 8, 1), "recruit": 1.05},
    "verso": {"spend": 0.91, "start": dt.date(2016, 10, 1), "recruit": 0.55},
    "kyc": {"spend": 0.85, "start": dt.date(2016, 9, 1), "recruit": 0.90},
    "pikassos": {"spend": 1.02, "start": dt.date(2016, 8, 1), "recruit": 1.00},
}
# Rough relative sizes, so that big towns get more participants than small ones.
TOWN_WEIGHT = {
    "Helsinki": 6,
    "Espoo": 3,
    "Vantaa": 2.5,
    "Tampere": 5,
    "Turku": 4,
    "Jyväskylä": 4,
    "Lahti": 4,
    "Vaasa": 3,
    "Kokkola": 2.5,
    "Kouvola": 2,
    "Kotka": 2,
    "Lappeenranta": 2,
    "Pietarsaari": 1.5,
    "Salo": 1.5,
    "Nokia": 1.2,
    "Kangasala": 1.2,
    "Seinäjoki": 2,
}
STATUSES = ("unemployed", "in_education", "employed", "outside_labour_market")
AGES = {"under_25": (17, 24), "25_29": (25, 29), "30_54": (30, 54), "over_54": (55, 66)}
EXIT_WEIGHTS = {"job_seeking": 0.30, "in_education": 0.15, "qualification": 0.07, "employed": 0.13, "none": 0.35}


def read_csv(name: str) -> list[dict]:
    with open(PLAN / name, encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def months(first: dt.date, last: dt.date):
    day = first.replace(day=1)
    while day <= last:
        yield day
        day = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def month_end(day: dt.date) -> dt.date:
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)


def random_day(rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
    return first + dt.timedelta(days=rng.randrange((last - first).days + 1))


def budget_by(implementer: str, category: str) -> dict[int, float]:
    rows = [r for r in read_csv("budget.csv") if r["implementer_id"] == implementer and r["cost_category"] == category]
    return {int(r["year"]): float(r["amount_eur"]) for r in rows}


def spending(rng: random.Random, implementers: list[str]) -> list[dict]:
    rows: list[dict] = []
    voucher = 1000
    for imp in implementers:
        how = BEHAVIOUR[imp]
        salaries, purchased, other = (budget_by(imp, c) for c in ("salaries", "purchased_services", "other_costs"))
        for month in months(FIRST_DAY, LAST_DAY):
            year_months = 5 if month.year == 2016 else 12
            if month < how["start"]:
                continue
            planned = salaries[month.year] / year_months
            holiday = 0.55 if month.month == 7 else 1.0  # summer holiday month: less paid work
            amount = round(planned * how["spend"] * holiday * rng.uniform(0.95, 1.05), 2)
            voucher += 1
            rows.append(
                {
                    "date": month_end(month),
                    "imp": imp,
                    "cat": "salaries",
                    "amount": amount,
                    "voucher": f"PA-{voucher}",
                    "text": f"Palkat {month.month}/{month.year}",
                }
            )
        for category, plan, texts in (
            ("purchased_services", purchased, ("Asiantuntijapalvelu", "Koulutuspalvelu", "Painatus")),
            ("other_costs", other, ("Tilavuokra", "Tarjoilu", "Koulutusmateriaali")),
        ):
            for year, amount in plan.items():
                if amount <= 0:
                    continue
                first = max(dt.date(year, 1, 1), how["start"])
                last = min(dt.date(year, 12, 31), LAST_DAY)
                if first > last:
                    continue
                share = ((last - first).days + 1) / ((dt.date(year, 12, 31) - max(dt.date(year, 1, 1), FIRST_DAY)).days + 1)
                remaining = amount * share * how["spend"] * rng.uniform(0.8, 1.1)
                lumps = rng.randint(2, 5) if category == "purchased_services" else rng.randint(3, 8)
                weights = [rng.random() for _ in range(lumps)]
                for weight in weights:
                    voucher += 1
                    rows.append(
                        {
                            "date": random_day(rng, first, last),
                            "imp": imp,
                            "cat": category,
                            "amount": round(remaining * weight / sum(weights), 2),
                            "voucher": f"OL-{voucher}",
                            "text": rng.choice(texts),
                        }
                    )
    # Corrections as bookkeeping makes them: a reversed invoice and a salary adjustment.
    for imp in rng.sample(implementers, 3):
        own = [r for r in rows if r["imp"] == imp and r["cat"] == "purchased_services"]
        if own:
            original = rng.choice(own)
            voucher += 1
            rows.append(
                {
                    **original,
                    "date": original["date"] + dt.timedelta(days=rng.randint(5, 40)),
                    "amount": -original["amount"],
                    "voucher": f"OI-{voucher}",
                    "text": f"Oikaisu {original['voucher']}",
                }
            )
    seamk_salary = next(r for r in rows if r["imp"] == "seamk" and r["cat"] == "salaries" and r["date"].year == 2017)
    rows.append({**seamk_salary, "amount": -412.35, "voucher": "OI-9001", "text": "Palkkaoikaisu, lomaraha"})
    rows.append(
        {
            "date": dt.date(2017, 11, 20),
            "imp": "seamk",
            "cat": "revenue",
            "amount": 450.00,
            "voucher": "TU-9002",
            "text": "Seminaarin osallistumismaksut",
        }
    )
    return [r for r in rows if FIRST_DAY <= r["date"] <= LAST_DAY]


def participants(rng: random.Random, implementers: list[str], municipalities: dict[str, list[str]]) -> list[dict]:
    targets = {
        (t["labour_market_status"], t["age_group"]): float(t["target"])
        for t in read_csv("targets.csv")
        if t["indicator"] == "participants" and t["labour_market_status"] and t["age_group"] and not t["gender"]
    }
    women = {
        t["labour_market_status"]: float(t["target"])
        for t in read_csv("targets.csv")
        if t["indicator"] == "participants" and t["gender"] == "F" and t["labour_market_status"]
    }
    status_total = {s: sum(v for (st, _), v in targets.items() if st == s) for s in STATUSES}
    cells = [cell for cell, value in targets.items() if value > 0]
    cell_weights = [targets[cell] for cell in cells]
    total_target = sum(cell_weights)
    budget = {
        imp: sum(float(r["amount_eur"]) for r in read_csv("budget.csv") if r["implementer_id"] == imp) for imp in implementers
    }
    end_of_project = dt.date(2018, 12, 31)
    rows = []
    for imp in implementers:
        how = BEHAVIOUR[imp]
        target = total_target * budget[imp] / sum(budget.values())
        recruit_start = how["start"] + dt.timedelta(days=45)
        share_of_time = (LAST_DAY - recruit_start).days / (end_of_project - recruit_start).days
        count = round(target * share_of_time * how["recruit"] * rng.uniform(0.95, 1.05))
        towns = municipalities[imp]
        town_weights = [TOWN_WEIGHT.get(t, 0.6) for t in towns]
        for _number in range(1, count + 1):
            status, age_group = rng.choices(cells, cell_weights)[0]
            low, high = AGES[age_group]
            gender_roll = rng.random()
            female_share = women[status] / status_total[status]
            gender = "X" if gender_roll < 0.01 else ("F" if gender_roll < 0.01 + female_share * 0.99 else "M")
            start = random_day(rng, recruit_start, LAST_DAY)
            end = start + dt.timedelta(days=rng.randint(40, 420))
            left = end <= LAST_DAY
            isced = rng.choices([None, 0, 1, 2, 3, 4, 5, 6, 7], [4, 2, 5, 30, 40, 6, 8, 4, 1])[0]
            rows.append(
                {
                    "participant_id": f"{imp[:3].upper()}-{rng.randrange(16**6):06X}",
                    "implementer_id": imp,
                    "municipality": rng.choices(towns, town_weights)[0],
                    "start_date": start.isoformat(),
                    "end_date": end.isoformat() if left else "",
                    "gender": gender,
                    "age_at_start": rng.randint(low, high),
                    "labour_market_status": status,
                    "long_term_unemployed": ("true" if rng.random() < 0.45 else "false") if status == "unemployed" else "false",
                    "education_isced": "" if isced is None else isced,
                    "exit_status": rng.choices(list(EXIT_WEIGHTS), list(EXIT_WEIGHTS.values()))[0] if left else "",
                }
            )
    # A few people leave and come back: the same id enters the same implementer twice.
    leavers = [r for r in rows if r["end_date"] and r["end_date"] < "2018-03-01"]
    for original in rng.sample(leavers, 4):
        again = dt.date.fromisoformat(original["end_date"]) + dt.timedelta(days=rng.randint(20, 90))
        rows.append({**original, "start_date": again.isoformat(), "end_date": "", "exit_status": ""})
    rows.sort(key=lambda r: (r["start_date"], r["implementer_id"], r["participant_id"]))
    return rows


def person_days(rng: random.Random, people: list[dict]) -> list[dict]:
    """Days spent by participants in guidance, teaching and other activities, by month."""
    totals: dict[tuple, float] = {}
    for person in people:
        start = dt.date.fromisoformat(person["start_date"])
        end = dt.date.fromisoformat(person["end_date"]) if person["end_date"] else LAST_DAY
        for month in months(start, min(end, LAST_DAY)):
            for day_type, chance, size in (
                ("guidance_consulting", 0.11, 1.0),
                ("other", 0.105, 1.0),
                ("contact_teaching", 0.04, 0.5),
            ):
                if rng.random() < chance:
                    key = (month_end(month), person["implementer_id"], person["municipality"], day_type)
                    totals[key] = totals.get(key, 0) + size * rng.choice((0.5, 1.0, 1.0, 1.5))
    return [
        {"date": k[0].isoformat(), "implementer_id": k[1], "municipality": k[2], "day_type": k[3], "days": v}
        for k, v in sorted(totals.items())
    ]


FLAT_RATE = 0.17  # project.toml
LATE = "verso"  # its claim for the second half of 2017 is missing: the claim-window warning
OFF = ("kyc", "2017/1")  # claimed 2 % over the booked cost: the difference warning


def claims(rng: random.Random, bookings: list[dict]) -> list[dict]:
    """A claim per period ended before the data's last day and implementer with costs: submitted
    45-75 days after the period, approved 0-1.5 % below (the latest period's for half of them not
    yet), paid 60-90 days after submission at the implementer's ESR and state share."""
    periods = read_csv("payment_periods.csv")
    financing = read_csv("financing.csv")
    share = {}
    for imp in {f["implementer_id"] for f in financing}:
        rows = [f for f in financing if f["implementer_id"] == imp]
        share[imp] = sum(float(f["amount_eur"]) for f in rows if f["source"] == "esr_state") / sum(
            float(f["amount_eur"]) for f in rows
        )
    sign = {"salaries": 1 + FLAT_RATE, "purchased_services": 1, "other_costs": 1, "revenue": -1}
    made = []
    for number, period in enumerate(periods):
        start, end = dt.date.fromisoformat(period["start_date"]), dt.date.fromisoformat(period["end_date"])
        if end >= LAST_DAY:
            continue
        latest = number == max(i for i, p in enumerate(periods) if dt.date.fromisoformat(p["end_date"]) < LAST_DAY)
        for imp in sorted({b["imp"] for b in bookings}):
            net = round(sum(b["amount"] * sign[b["cat"]] for b in bookings if b["imp"] == imp and start <= b["date"] <= end), 2)
            if net <= 0 or (imp == LATE and latest):
                continue
            claimed = round(net * 1.02, 2) if (imp, period["period_id"]) == OFF else net
            submitted = end + dt.timedelta(days=rng.randint(45, 75))
            approved = round(claimed * (1 - rng.uniform(0, 0.015)), 2) if not latest or rng.random() < 0.5 else None
            paid_date = submitted + dt.timedelta(days=rng.randint(60, 90)) if approved is not None else None
            paid_date = paid_date if paid_date is not None and paid_date <= LAST_DAY else None
            made.append(
                {
                    "period_id": period["period_id"],
                    "implementer_id": imp,
                    "submitted_date": submitted.isoformat(),
                    "claimed_eur": f"{claimed:.2f}",
                    "approved_eur": "" if approved is None else f"{approved:.2f}",
                    "paid_date": "" if paid_date is None else paid_date.isoformat(),
                    "paid_eur": "" if paid_date is None else f"{approved * share[imp]:.2f}",
                }
            )
    return made


def finnish_number(value: float) -> str:
    return f"{value:.2f}".replace(".", ",")


def finnish_date(day: dt.date) -> str:
    return f"{day.day}.{day.month}.{day.year}"


def write(path: Path, header: list[str], rows: list[list], delimiter: str = ",", bom: bool = False) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    path.write_bytes(("\ufeff" if bom else "").encode() + buffer.getvalue().encode("utf-8"))


# The demo amendment (not from the application: the seed says only that continuation funding into
# spring 2019 was granted): decided 17.4.2018, it moves the end to 31.5.2019 and adds a budget for
# January-May 2019 at CONTINUATION_PACE of each implementer's 2018 monthly budget, financed as its
# 2018 budget was, with a payment period for the months added.
AMENDMENT_DATE, AMENDED_END = dt.date(2018, 4, 17), dt.date(2019, 5, 31)
CONTINUATION_PACE = 0.6


def amendment() -> None:
    folder = PLAN / "amendments" / AMENDMENT_DATE.isoformat()
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "amendment.toml").write_text(
        "# Demo amendment, not from the application (see ../../README.md).\n"
        'description = "Jatkorahoitus kevääseen 2019 (demo): hanke jatkuu 31.5.2019 asti, '
        'vuoden 2019 talousarvio lisätään"\n'
        f"end_date = {AMENDED_END.isoformat()}\n",
        encoding="utf-8",
    )
    budget = read_csv("budget.csv")
    months_added = AMENDED_END.month
    added, net = [], {}
    for row in (r for r in budget if r["year"] == "2018"):
        amount = round(float(row["amount_eur"]) * CONTINUATION_PACE * months_added / 12)
        added.append({**row, "year": "2019", "amount_eur": amount})
    for row in added:  # the flat rate stays 17 % of salaries, as in every other year
        if row["cost_category"] == "flat_rate":
            salaries = next(r for r in added if r["implementer_id"] == row["implementer_id"] and r["cost_category"] == "salaries")
            row["amount_eur"] = round(salaries["amount_eur"] * 0.17)
    for row in added:
        sign = -1 if row["cost_category"] == "revenue" else 1
        net[row["implementer_id"]] = net.get(row["implementer_id"], 0) + sign * row["amount_eur"]
    columns = list(budget[0])
    write(folder / "budget.csv", columns, [[r[c] for c in columns] for r in budget + added])

    financing = read_csv("financing.csv")
    extra = []
    for implementer, total in net.items():
        rows = [r for r in financing if r["implementer_id"] == implementer and r["year"] == "2018"]
        whole = sum(float(r["amount_eur"]) for r in rows)
        shares = [round(total * float(r["amount_eur"]) / whole) for r in rows]
        shares[0] += total - sum(shares)  # rounding lands on the first source: the rows add up to the net budget
        extra += [{**r, "year": "2019", "amount_eur": share} for r, share in zip(rows, shares, strict=True)]
    columns = list(financing[0])
    write(folder / "financing.csv", columns, [[r[c] for c in columns] for r in financing + extra])

    periods = read_csv("payment_periods.csv")
    periods.append({"period_id": "2019/1", "start_date": "2019-01-01", "end_date": AMENDED_END.isoformat()})
    write(folder / "payment_periods.csv", list(periods[0]), [list(p.values()) for p in periods])


def main() -> int:
    rng = random.Random(SEED)
    implementers = [r["implementer_id"] for r in read_csv("implementers.csv")]
    municipalities: dict[str, list[str]] = {}
    for row in read_csv("municipalities.csv"):
        municipalities.setdefault(row["implementer_id"], []).append(row["municipality"])
    DEMO.mkdir(exist_ok=True)

    people = participants(rng, implementers, municipalities)
    columns = list(people[0])
    write(DEMO / "participants.csv", columns, [[p[c] for c in columns] for p in people])

    days = person_days(rng, people)
    write(
        DEMO / "person_days.csv",
        list(days[0]),
        [[d["date"], d["implementer_id"], d["municipality"], d["day_type"], f"{d['days']:g}"] for d in days],
    )

    bookings = sorted(spending(rng, implementers), key=lambda r: (r["date"], r["imp"], r["voucher"]))
    finnish_categories = {
        "salaries": "palkat",
        "purchased_services": "ostopalvelut",
        "other_costs": "muut kustannukset",
        "revenue": "tulot",
    }
    write(
        DEMO / "spending.csv",
        ["Kirjauspvm", "Toteuttaja", "Kustannuslaji", "Summa", "Tosite", "Selite"],
        [
            [
                finnish_date(b["date"]),
                b["imp"],
                finnish_categories[b["cat"]],
                finnish_number(b["amount"]),
                b["voucher"],
                b["text"],
            ]
            for b in bookings
        ],
        delimiter=";",
        bom=True,
    )
    made = claims(random.Random(SEED + 1), bookings)  # a generator of its own: the files above stay as they were
    write(DEMO / "claims.csv", list(made[0]), [list(c.values()) for c in made])
    amendment()
    print(f"wrote {len(people)} participants, {len(days)} person-day rows, {len(bookings)} bookings to {DEMO}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
