"""The data contract (../shared/contract.md v2): the only module that knows file names, columns,
Finnish header aliases, value codes and their Finnish aliases. Readers, validators, the loader and
the docs generator all take their rules from here. What differs between programme periods (the
indicator codes targets.csv may name, the age groups) comes from their definitions in
data/programmes/, read by queries.programmes."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from queries.programmes import DEFAULT_PROGRAMME, FLAGS, Programme, programme, programme_ids

GENDERS = ("F", "M", "X")
AGE_GROUPS = programme(DEFAULT_PROGRAMME).age_codes  # v1; each programme has its own (data/programmes/)
LABOUR_MARKET_STATUSES = ("unemployed", "in_education", "employed", "outside_labour_market")
EXIT_STATUSES = ("job_seeking", "in_education", "qualification", "employed", "none")
DAY_TYPES = ("contact_teaching", "distance_teaching", "subsidised_employment", "guidance_consulting", "other")
SPENDING_CATEGORIES = ("salaries", "purchased_services", "other_costs", "revenue")
BUDGET_CATEGORIES = ("salaries", "purchased_services", "other_costs", "flat_rate", "revenue")
FINANCING_SOURCES = ("esr_state", "municipal", "other_public", "private")
ROLES = ("main", "co")
INDICATORS = ("participants", "person_days")

# (v2) project.toml `cost_model`: the flat rate is added to salaries (2014–2020), or the flat rate
# on salaries covers every other cost, which is then not eligible (2021–2027, 40 %).
COST_MODELS = ("flat_rate_on_salaries", "flat_rate_covers_other")
DEFAULT_COST_MODEL = "flat_rate_on_salaries"
COVERED_COSTS = ("purchased_services", "other_costs")  # what flat_rate_covers_other covers


@dataclass(frozen=True)
class Column:
    """One column of a contract file. `kind` names the parser: text, date, int, decimal, bool,
    enum. `ref` names a plan table the value must exist in (implementer, municipality)."""

    name: str
    kind: str
    required: bool = True
    aliases: tuple[str, ...] = ()
    codes: tuple[str, ...] = ()
    code_aliases: dict[str, str] = field(default_factory=dict)
    minimum: float | None = None
    maximum: float | None = None
    ref: str | None = None


@dataclass(frozen=True)
class TableSpec:
    kind: str
    columns: tuple[Column, ...]

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


_IMPLEMENTER_ALIASES = ("toteuttaja", "toteuttaja_id", "osatoteuttaja", "toteuttajatunnus")
_MUNICIPALITY_ALIASES = ("kunta",)

_GENDER_ALIASES = {"n": "F", "nainen": "F", "f": "F", "m": "M", "mies": "M", "x": "X", "muu": "X"}
_STATUS_ALIASES = {
    "työtön": "unemployed",
    "koulutuksessa": "in_education",
    "opiskelija": "in_education",
    "työssä": "employed",
    "työllinen": "employed",
    "työvoiman_ulkopuolella": "outside_labour_market",
    "työmarkkinoiden_ulkopuolella": "outside_labour_market",
}
_EXIT_ALIASES = {
    "työnhakija": "job_seeking",
    "koulutuksessa": "in_education",
    "tutkinto": "qualification",
    "työllistynyt": "employed",
    "työssä": "employed",
    "ei": "none",
    "ei_muutosta": "none",
}
_DAY_TYPE_ALIASES = {
    "lähiopetus": "contact_teaching",
    "etäopetus": "distance_teaching",
    "tukityöllistäminen": "subsidised_employment",
    "ohjaus": "guidance_consulting",
    "ohjaus_tai_konsultointi": "guidance_consulting",
    "konsultointi": "guidance_consulting",
    "muu": "other",
}
_FLAG_ALIASES = {
    "disability": ("vammainen", "vamma"),
    "third_country_national": ("kolmannen_maan_kansalainen", "kolmas_maa"),
    "foreign_background": ("ulkomaalaistausta", "ulkomaalaistaustainen"),
    "minority": ("vähemmistö",),
    "homeless": ("asunnoton",),
    "rural": ("maaseutu", "maaseudulta"),
}
_CATEGORY_ALIASES = {
    "palkat": "salaries",
    "palkkakustannukset": "salaries",
    "ostopalvelut": "purchased_services",
    "muut": "other_costs",
    "muut_kustannukset": "other_costs",
    "tulot": "revenue",
}

PARTICIPANTS = TableSpec(
    "participants",
    (
        Column("participant_id", "text", aliases=("osallistuja_id", "osallistujatunnus", "tunniste")),
        Column("implementer_id", "text", aliases=_IMPLEMENTER_ALIASES, ref="implementer"),
        Column("municipality", "text", aliases=_MUNICIPALITY_ALIASES, ref="municipality"),
        Column("start_date", "date", aliases=("aloituspvm", "alkupvm", "aloituspäivä", "tulopvm")),
        Column("end_date", "date", required=False, aliases=("lopetuspvm", "loppupvm", "päättymispäivä", "lähtöpvm")),
        Column("gender", "enum", aliases=("sukupuoli",), codes=GENDERS, code_aliases=_GENDER_ALIASES),
        Column("age_at_start", "int", aliases=("ikä", "ikä_aloittaessa"), minimum=0, maximum=120),
        Column(
            "labour_market_status",
            "enum",
            aliases=("työmarkkina_asema", "työmarkkinatilanne"),
            codes=LABOUR_MARKET_STATUSES,
            code_aliases=_STATUS_ALIASES,
        ),
        Column("long_term_unemployed", "bool", required=False, aliases=("pitkäaikaistyötön",)),
        Column("education_isced", "int", required=False, aliases=("koulutus_isced", "koulutustaso"), minimum=0, maximum=8),
        Column(
            "exit_status",
            "enum",
            required=False,
            aliases=("tilanne_lähtiessä", "lopputilanne"),
            codes=EXIT_STATUSES,
            code_aliases=_EXIT_ALIASES,
        ),
        # (v2) Optional characteristics of ESR+ 2021–2027: empty is "not asked or refused", never false.
        *(Column(name, "bool", required=False, aliases=_FLAG_ALIASES[name]) for name in FLAGS),
    ),
)

# (v2) Follow-ups about six months after leaving (ESR+ EECR05, EECR06).
FOLLOWUPS = TableSpec(
    "followups",
    (
        Column("participant_id", "text", aliases=("osallistuja_id", "osallistujatunnus", "tunniste")),
        Column("implementer_id", "text", aliases=_IMPLEMENTER_ALIASES, ref="implementer"),
        Column("date", "date", aliases=("päivämäärä", "pvm", "seurantapvm")),
        Column("employed", "bool", aliases=("työssä", "työllinen")),
        Column("improved_situation", "bool", aliases=("tilanne_parantunut", "parantunut")),
    ),
)

PERSON_DAYS = TableSpec(
    "person_days",
    (
        Column("date", "date", aliases=("päivämäärä", "pvm")),
        Column("implementer_id", "text", aliases=_IMPLEMENTER_ALIASES, ref="implementer"),
        Column("municipality", "text", required=False, aliases=_MUNICIPALITY_ALIASES, ref="municipality"),
        Column("day_type", "enum", aliases=("päivätyyppi", "tyyppi"), codes=DAY_TYPES, code_aliases=_DAY_TYPE_ALIASES),
        Column("days", "decimal", aliases=("päivät", "päiviä", "henkilöpäivät"), minimum=0),
    ),
)

SPENDING = TableSpec(
    "spending",
    (
        Column("date", "date", aliases=("kirjauspvm", "kirjauspäivä", "päivämäärä", "pvm")),
        Column("implementer_id", "text", aliases=_IMPLEMENTER_ALIASES, ref="implementer"),
        Column(
            "cost_category",
            "enum",
            aliases=("kustannuslaji", "kululaji"),
            codes=SPENDING_CATEGORIES,
            code_aliases=_CATEGORY_ALIASES,
        ),
        Column("amount_eur", "decimal", aliases=("summa", "summa_eur", "euroa", "määrä")),
        Column("voucher_id", "text", required=False, aliases=("tosite", "tositenumero", "tosite_id")),
        Column("description", "text", required=False, aliases=("selite", "kuvaus")),
    ),
)

# (v2) Payment claims (maksatushakemukset), one per payment period and implementer. Approval has no
# date in the contract: an approved amount is known from the claim's submission on.
CLAIMS = TableSpec(
    "claims",
    (
        Column("period_id", "text", aliases=("maksatuskausi", "kausi", "period"), ref="period"),
        Column("implementer_id", "text", aliases=_IMPLEMENTER_ALIASES, ref="implementer"),
        Column("submitted_date", "date", aliases=("jätetty", "jättöpäivä", "lähetetty")),
        Column("claimed_eur", "decimal", aliases=("haettu", "haettu_eur"), minimum=0),
        Column("approved_eur", "decimal", required=False, aliases=("hyväksytty", "hyväksytty_eur"), minimum=0),
        Column("paid_date", "date", required=False, aliases=("maksettu_pvm", "maksupäivä")),
        Column("paid_eur", "decimal", required=False, aliases=("maksettu", "maksettu_eur"), minimum=0),
    ),
)

EXTRACTS = {spec.kind: spec for spec in (PARTICIPANTS, PERSON_DAYS, SPENDING, CLAIMS, FOLLOWUPS)}
EXTRACT_SUFFIXES = (".csv", ".parquet", ".xlsx")

# Plan tables (data/plan/*.csv): canonical headers only.
IMPLEMENTERS = TableSpec(
    "implementers",
    (
        Column("implementer_id", "text"),
        Column("name", "text"),
        Column("area", "text"),
        Column("role", "enum", codes=ROLES),
    ),
)
MUNICIPALITIES = TableSpec(
    "municipalities",
    (
        Column("municipality", "text"),
        Column("implementer_id", "text", ref="implementer"),
        Column("region", "text"),
    ),
)
BUDGET = TableSpec(
    "budget",
    (
        Column("implementer_id", "text", ref="implementer"),
        Column("year", "int", minimum=1900, maximum=2200),
        Column("cost_category", "enum", codes=BUDGET_CATEGORIES),
        Column("amount_eur", "decimal"),
    ),
)
FINANCING = TableSpec(
    "financing",
    (
        Column("implementer_id", "text", ref="implementer"),
        Column("year", "int", minimum=1900, maximum=2200),
        Column("source", "enum", codes=FINANCING_SOURCES),
        Column("funder", "text"),
        Column("amount_eur", "decimal"),
    ),
)
TARGETS = TableSpec(
    "targets",
    (
        Column("indicator", "enum", codes=INDICATORS),
        Column("implementer_id", "text", required=False, ref="implementer"),
        Column("labour_market_status", "enum", required=False, codes=LABOUR_MARKET_STATUSES),
        Column("age_group", "enum", required=False, codes=AGE_GROUPS),
        Column("gender", "enum", required=False, codes=GENDERS),
        Column("day_type", "enum", required=False, codes=DAY_TYPES),
        Column("target", "decimal", minimum=0),
    ),
)
PLAN_TABLES = {spec.kind: spec for spec in (IMPLEMENTERS, MUNICIPALITIES, BUDGET, FINANCING, TARGETS)}


def plan_spec(kind: str, programme_of: Programme) -> TableSpec:
    """A plan file's columns under a programme: targets.csv takes the programme's age groups and,
    as `indicator`, also its indicator codes (v2)."""
    spec = (PLAN_TABLES | OPTIONAL_PLAN_TABLES)[kind]
    if kind != "targets":
        return spec
    columns = {
        "indicator": replace(spec.column("indicator"), codes=INDICATORS + programme_of.indicators),
        "age_group": replace(spec.column("age_group"), codes=programme_of.age_codes),
    }
    return TableSpec(kind, tuple(columns.get(c.name, c) for c in spec.columns))


# (v2) Steering group meetings: `since` defaults to the last one before the as-of date.
MEETINGS = TableSpec(
    "meetings",
    (
        Column("date", "date", aliases=("päivämäärä", "pvm", "kokouspäivä")),
        Column("title", "text", aliases=("otsikko", "kokous")),
        Column("decisions", "text", required=False, aliases=("päätökset",)),
    ),
)
# (v2) Payment periods: consecutive, without gaps or overlaps, together covering the project period.
PAYMENT_PERIODS = TableSpec(
    "payment_periods",
    (
        Column("period_id", "text", aliases=("maksatuskausi", "kausi", "period")),
        Column("start_date", "date", aliases=("alkaa", "alkupvm", "alku")),
        Column("end_date", "date", aliases=("päättyy", "loppupvm", "loppu")),
    ),
)
# Plan files a project may leave out: read and validated like the others where present.
OPTIONAL_PLAN_TABLES = {spec.kind: spec for spec in (MEETINGS, PAYMENT_PERIODS)}
# (v2) Plan amendments: `amendments/<decision date>/` holds amendment.toml and the plan files the
# decision replaces, whole. Implementers and municipalities are not amended: a newcomer goes into
# the original files (with no budget there), so every extract row refers to one list for all time.
AMENDMENTS_DIR = "amendments"
AMENDMENT_FILE = "amendment.toml"
AMENDMENT_KEYS = ("description", "end_date")  # description required, end_date optional
AMENDABLE_TABLES = ("budget", "financing", "targets", "payment_periods")
ORIGINAL_PLAN = "original"  # summary's plan_version before any amendment
# How long after a payment period's end its claim is usually due (project.toml `claim_window_months`).
CLAIM_WINDOW_MONTHS = 2

PROJECT_KEYS = ("name", "start_date", "end_date", "flat_rate", "suppression_threshold", "language")
# (v2) Optional keys: the programme period (data/programmes/) and its cost model.
PROGRAMMES = programme_ids()
DEFAULT_PROGRAMME_ID = DEFAULT_PROGRAMME
LANGUAGES = ("fi", "sv", "en")

# The filters that live in the URL query string; `municipality` may repeat.
URL_FILTERS = ("implementer", "region", "municipality", "as_of", "lang")
