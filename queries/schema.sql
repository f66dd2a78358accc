-- The tables the dashboard reads. Built fresh from the plan and the extracts at every load (the
-- extract rows themselves are in intake.sql); participant rows never leave the database: queries
-- return aggregates only.
create table project (
    name varchar not null,
    start_date date not null,
    end_date date not null,
    flat_rate double not null,
    suppression_threshold integer not null,
    language varchar not null,
    claim_window_months integer not null default 2,
    programme varchar not null default 'esr_2014_2020',  -- data/programmes/<id>.toml
    cost_model varchar not null default 'flat_rate_on_salaries'
);

create table implementers (
    implementer_id varchar primary key,
    name varchar not null,
    area varchar not null,
    role varchar not null
);

create table municipalities (
    municipality varchar not null,
    implementer_id varchar not null,
    region varchar not null
);

-- The plan in force changes with amendments (contract v2): version 0 is the original plan, each
-- amendment in decision-date order the next. The amendable tables hold every version's rows whole,
-- and every question about the plan names the version in force at its as-of date ($version).
create table plan_versions (
    version integer primary key,
    decided_on date,  -- null for the original
    description varchar not null,
    end_date date not null,  -- the project's end date in this version
    replaced varchar[] not null  -- the plan files the decision replaced
);

create table budget (
    version integer not null,
    implementer_id varchar not null,
    year integer not null,
    cost_category varchar not null,
    amount_eur decimal(18, 2) not null
);

create table financing (
    version integer not null,
    implementer_id varchar not null,
    year integer not null,
    source varchar not null,
    funder varchar not null,
    amount_eur decimal(18, 2) not null
);

create table targets (
    version integer not null,
    indicator varchar not null,
    implementer_id varchar,
    labour_market_status varchar,
    age_group varchar,
    gender varchar,
    day_type varchar,
    target double not null
);

create table payment_periods (
    version integer not null,
    period_id varchar not null,
    start_date date not null,
    end_date date not null
);

create table claims (
    period_id varchar not null,
    implementer_id varchar not null,
    submitted_date date not null,
    claimed_eur decimal(18, 2) not null,
    approved_eur decimal(18, 2),
    paid_date date,
    paid_eur decimal(18, 2)
);

-- Scope rules, written once. A participant or person-day row is in scope when its implementer,
-- region and municipality match the filters (a NULL filter matches all). Spending is booked per
-- implementer, so finance scope is the implementers that serve the chosen region/municipalities.
create macro implementer_in_scope(row_implementer, f_implementer, f_region, f_municipalities) as
    (f_implementer is null or row_implementer = f_implementer)
    and (f_region is null or row_implementer in (
        select m.implementer_id from municipalities m where m.region = f_region))
    and (f_municipalities is null or row_implementer in (
        select m.implementer_id from municipalities m where list_contains(f_municipalities, m.municipality)));

create macro row_in_scope(row_implementer, row_municipality, f_implementer, f_region, f_municipalities) as
    (f_implementer is null or row_implementer = f_implementer)
    and (f_region is null or row_municipality in (
        select m.municipality from municipalities m where m.region = f_region))
    and (f_municipalities is null or list_contains(f_municipalities, row_municipality));

-- Net cost of one booking: revenue reduces it, salaries carry the computed flat rate. (Under the
-- cost model flat_rate_covers_other a purchased service or other cost is not eligible: such
-- bookings are set aside at loading, so none is here.)
create macro net_cost(cost_category, amount_eur, flat_rate) as
    case
        when cost_category = 'revenue' then -amount_eur
        when cost_category = 'salaries' then amount_eur * (1 + flat_rate)
        else amount_eur
    end;

-- Each implementer's net budget per year and the days of that year inside the project period, in
-- each plan version (whose end date may differ).
create view budget_years as
    select
        b.version,
        b.implementer_id,
        b.year,
        sum(case when b.cost_category = 'revenue' then -b.amount_eur else b.amount_eur end) as net_eur,
        greatest(make_date(b.year, 1, 1), p.start_date) as first_day,
        least(make_date(b.year, 12, 31), v.end_date) as last_day
    from budget b, project p, plan_versions v
    where v.version = b.version
    group by b.version, b.implementer_id, b.year, p.start_date, v.end_date;

-- The contract's planned-to-date rule for one budget year: its net budget spread evenly over its
-- days inside the project period, counted up to and including `day`.
create macro planned_to(net_eur, first_day, last_day, day) as
    case
        when last_day < first_day then 0
        else net_eur
            * greatest(0, least(date_diff('day', first_day, day) + 1, date_diff('day', first_day, last_day) + 1))
            / (date_diff('day', first_day, last_day) + 1)
    end;
