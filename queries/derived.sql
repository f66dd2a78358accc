-- Tables derived from the extracts once, when a data set has been loaded, so that a page's questions
-- read thousands of rows instead of millions (a national programme has ten million bookings). The
-- store never changes after loading, so they cannot go stale. The daily sums are the raw material of
-- the running totals made at load (queries/spending.py, queries/person_days.py), which answer every
-- "up to as_of" question; they and `entries` are in no order, since sorting millions of rows cost
-- more at every build than the scans it spared.

-- Grouped by the intake's enums (intake.sql), then made text: grouped by the text itself, ten million
-- bookings took twice as long.
create table spending_daily as
    select implementer_id::varchar as implementer_id, day, cost_category::varchar as cost_category, amount_eur
    from (
        select implementer_id, date as day, cost_category, sum(amount_eur) as amount_eur
        from intake.spending
        group by all
    );  -- in no order: every reader sums or sorts (the sort of 1.9 M national sums, 0.7 s timed alone, was not measurable in a whole build)

-- Corrections after which their category's running total, in booking order (by date, larger
-- amounts first, then by voucher), is below zero. A booking's running total depends only on the
-- bookings before it in its implementer's category, so it is the same whatever the as-of date or the
-- filters: worked out once here. Only a correction can take a total below zero, so only corrections
-- are ranked: a correction's running total is everything booked on earlier days (a running sum of
-- the daily table), that day's positive bookings (all come first) and the day's corrections up to
-- it. Sorting the ten million bookings of a national programme for one window took 9 s of a build.
-- Summed as whole cents in doubles, which add whole numbers exactly (below 2^53 cents, 90 billion
-- euros): the windows summed the decimals' 128-bit sums at half the speed (0.67 s -> 0.54 s).
create temp macro cents_of(amount_eur) as (amount_eur * 100)::bigint::double;

create table overdrawn_bookings as
    with
    -- each implementer's category numbered: the windows below partition by one integer, not two
    -- texts (nationally 1.5 s -> 1.1 s for the whole statement, the same rows)
    categories as (
        select (row_number() over (order by implementer_id, cost_category))::integer as category, implementer_id, cost_category
        from (select distinct implementer_id, cost_category from spending_daily)
    ),
    corrections as (
        select
            s.date,
            k.category,
            k.implementer_id,
            k.cost_category,
            s.amount_eur,
            s.voucher_id,
            sum(s.cents) over (
                partition by k.category, s.date
                order by s.amount_eur desc, s.voucher_id
                rows between unbounded preceding and current row
            ) as corrections_to_here,
            sum(s.cents) over (partition by k.category, s.date) as corrections_of_day
        from (select *, cents_of(amount_eur) as cents from intake.spending where amount_eur < 0) s
        join categories k using (implementer_id, cost_category)
    ),
    days as (
        select
            k.category,
            d.day,
            d.cents as booked_on_day,
            coalesce(sum(d.cents) over (
                partition by k.category
                order by d.day
                rows between unbounded preceding and 1 preceding
            ), 0) as booked_before_day
        from (select *, cents_of(amount_eur) as cents from spending_daily) d
        join categories k using (implementer_id, cost_category)
    ),
    ordered as (
        select
            c.date,
            c.implementer_id,
            c.cost_category,
            c.amount_eur::double as amount_eur,
            c.voucher_id,
            (d.booked_before_day + (d.booked_on_day - c.corrections_of_day) + c.corrections_to_here) / 100 as running_eur
        from corrections c
        join days d on d.category = c.category and d.day = c.date
    )
    select * from ordered where running_eur < 0
    order by date, implementer_id;

-- Bookings dated before the project's start or after its end in any plan version (the earliest
-- end): what bookings_outside_period.sql picks a version's from, since the bookings themselves stay
-- in the build's intake (intake.sql).
create table bookings_outside_plan as
    select s.date, s.implementer_id::varchar as implementer_id, s.cost_category::varchar as cost_category, s.amount_eur, s.voucher_id
    from intake.spending s, project p
    where s.date < p.start_date or s.date > (select min(end_date) from plan_versions)
    order by all;

create table person_days_daily as
    select implementer_id::varchar as implementer_id, municipality::varchar as municipality, day, day_type::varchar as day_type, days
    from (
        select implementer_id, municipality, date as day, day_type, sum(days) as days
        from intake.person_days
        group by all
    );  -- in no order, as spending_daily

-- Participant entries without the participant id: `person` numbers each (implementer_id,
-- participant_id) and `entries_of_person` says how many entries that person has. Most people enter
-- once; only the others need the work of counting a person once (see participant_profile.sql).
-- (People numbered over their distinct ids and joined back: two windows over every entry took 3.4 s
-- for 2.5 M entries, this 2.1 s, the same rows.) The numbering is scratch, shared with followup_days,
-- which numbered every participant again (0.3 s nationally), and dropped once both are made.
create temp table people as
    select
        implementer_id,
        participant_id,
        count(*) as entries_of_person,
        row_number() over (order by implementer_id, participant_id) as person
    from intake.participants
    group by implementer_id, participant_id;

create table entries as
    select p.person, p.entries_of_person, e.* exclude (participant_id)
    from intake.participants e
    join people p using (implementer_id, participant_id);  -- in no order (the sort was 0.6 s nationally)

-- (v2) Each person's first follow-up day with a job, and with an improved situation: from that
-- day on the person counts in EECR05 (EECR06). Numbered as `entries` numbers people.
create table followup_days as
    select
        p.person,
        min(f.date) filter (where f.employed) as employed_from,
        min(f.date) filter (where f.improved_situation) as improved_from
    from intake.followups f
    join people p using (implementer_id, participant_id)
    group by p.person;

drop table people;

-- The first and the latest date found anywhere in the extracts (extract_date_range.sql).
create table extract_dates as
    select min(day) as first_date, max(day) as latest_date
    from (
        select start_date as day from intake.participants
        union all select end_date from intake.participants where end_date is not null
        union all select day from person_days_daily
        union all select day from spending_daily
    );

-- (v2) How many entries hold a value of each optional characteristic, and how many follow-ups are
-- in (collected_columns.sql).
create table characteristics_collected as
    select
        count(disability) as disability,
        count(third_country_national) as third_country_national,
        count(foreign_background) as foreign_background,
        count(minority) as minority,
        count(homeless) as homeless,
        count(rural) as rural,
        (select count(*) from intake.followups) as followups
    from intake.participants;

-- Every (implementer, municipality, day type) with person-days, numbered in that order (rows without
-- a municipality first within theirs): the rows of the running sums in queries/person_days.py.
create table person_days_keys as
    select
        (row_number() over (order by implementer_id, day_type, municipality nulls first) - 1)::integer as key,
        implementer_id,
        municipality,
        day_type
    from (select distinct implementer_id, municipality, day_type from person_days_daily)
    order by key;

-- Each municipality with its region, both numbered in name order (profile_states numbers them so).
-- The tables of the scratch database are read by the running totals at the build, never served.
create table scratch.area_numbers as
    select
        municipality,
        region,
        (dense_rank() over (order by municipality) - 1)::integer as town_number,
        (dense_rank() over (order by region) - 1)::integer as region_number
    from (select distinct municipality, region from municipalities)
    order by town_number;

-- The running profile's cells are numbered by codes, not by their labels: a label's code is its
-- place among its column's values in sort order (a null after them all), and a row's `kind_code` (its
-- characteristics) is those codes read as the digits of one number, in the order kinds are sorted by.
-- So kinds in code order are kinds in label order, and finding, numbering and joining back the cells
-- compares one or two numbers instead of seventeen labels: 3.5 s of a national build before, 2.3 s.
-- The implementers with entries, numbered in name order from 0: a scratch table, since the
-- participants' running counts (participant_events.sql, participant_single_entries.sql) number them so.
create table scratch.implementer_numbers as
    select (row_number() over (order by implementer_id) - 1)::integer as implementer_number, implementer_id
    from (select distinct implementer_id from entries);

create temp macro label_code(values, value) as coalesce(list_position(values, value) - 1, len(values));
-- label_code([false, true], flag) in arithmetic: eleven list searches a row were a third of profile_rows
create temp macro flag_code(flag) as coalesce(flag::integer, 2);
create temp macro label_of(values, code, weight) as values[(code // weight) % (len(values) + 1) + 1];

-- One row: each label column's values in sort order (the flags' are [false, true]) and the weight of
-- its digit in a kind code; the last label (followup_improved_situation) has the weight 1. A place
-- code is (municipality, region, gender, age group) read the same way, by town and region number.
create temp table label_values as
    with
    lists as (
        select
            -- a column no entry holds a value of has no values (not null: a list of none, a digit of one)
            coalesce(list(distinct gender order by gender), []) as gender,
            coalesce(list(distinct age_group order by age_group), []) as age_group,
            coalesce(list(distinct labour_market_status order by labour_market_status), []) as labour_market_status,
            coalesce(list(distinct education_isced order by education_isced) filter (where education_isced is not null), [])
                as education_isced,
            coalesce(list(distinct coalesce(exit_status, 'unknown') order by coalesce(exit_status, 'unknown')), []) as exit_status,
            [false, true] as flag,
            (select count(distinct region) from scratch.area_numbers) as regions
        from entries
    ),
    flags as (
        select *,
            3::bigint as followup_employed_weight,
            9::bigint as rural_weight,
            27::bigint as homeless_weight,
            81::bigint as minority_weight,
            243::bigint as foreign_background_weight,
            729::bigint as third_country_national_weight,
            2187::bigint as disability_weight,
            6561::bigint as is_active_weight,
            19683::bigint as has_left_weight,
            59049::bigint as exit_status_weight,
            (len(age_group) + 1)::bigint as place_gender_weight
        from lists
    ),
    exits as (select *, exit_status_weight * (len(exit_status) + 1) as education_isced_weight from flags),
    levels as (select *, education_isced_weight * (len(education_isced) + 1) as long_term_unemployed_weight from exits),
    statuses as (select *, long_term_unemployed_weight * 3 as labour_market_status_weight from levels),
    ages as (select *, labour_market_status_weight * (len(labour_market_status) + 1) as age_group_weight from statuses),
    places as (select *, place_gender_weight * (len(gender) + 1) as place_region_weight from ages)
    select *, age_group_weight * (len(age_group) + 1) as gender_weight, place_region_weight * regions as place_town_weight
    from places;

-- In the scratch database (queries/store.py), read once by queries/profile.py: each unit's row of
-- participant_profile.sql, from the day it holds (`from_day`) to the day it changes (`to_day`, null
-- for never). A unit is a person, as the whole programme and an implementer count them (`of_person`);
-- and, for people with entries in more than one region (municipality), the person within each of
-- those regions (municipalities), as a region (municipality) filter counts them by their entries
-- there alone. Everyone else is the same person under any area filter that takes them in at all, so
-- their own row serves it. A unit's row changes when one of its entries starts or ends. The
-- characteristics come from its first entry; whether it has left, with what result, and whether an
-- entry is open are worked out as of from_day exactly as participant_profile.sql works them out as
-- of its date. `in_region` and `in_town` are the numbers (area_numbers) of the region and the
-- municipality whose filters read the row, null where none does. `first_spell` marks a unit's
-- first row (from its first entry's start): the day it enters its place cell.
--
-- In three steps, because a sort of millions of wide rows was most of a build: the rows with their
-- label codes (profile_rows, dropped at the end); the distinct codes, numbered in code order, which
-- is label order (the cells: `people_cell` by implementer and every characteristic but the place,
-- `kind` by those characteristics alone, `place_cell` by implementer, municipality, region, gender
-- and age group); and the rows by cell number (profile_states). Numbering the few distinct codes and
-- joining them back gives the dense ranks a window over every row gave, in a quarter of the time.
create temp table profile_rows as
    with
    places as (
        select * from scratch.area_numbers
    ),
    -- Only people with several entries can have them in several places: a few percent of entries.
    again as (
        select e.*, p.region, p.town_number, p.region_number
        from entries e
        join places p using (municipality)
        where e.entries_of_person > 1
    ),
    movers as (
        select person, count(distinct region) > 1 as region_mover
        from again
        group by person
        having count(distinct municipality) > 1
    ),
    area_units as (
        select distinct a.person, 'region' as area_kind, a.region_number as area
        from again a join movers m using (person)
        where m.region_mover
        union all
        select distinct a.person, 'town', a.town_number
        from again a join movers m using (person)
    ),
    numbered as (
        select (select max(person) from entries) + row_number() over (order by person, area_kind, area) as unit, *
        from area_units
    ),
    -- Not materialized: a copy of a million entries would be hundreds of megabytes. People with one
    -- entry and no follow-up are `plain` below: their rows need no grouping.
    units as not materialized (
        select person as unit, * from entries
        where entries_of_person > 1 or person in (select person from followup_days)
        union all
        select n.unit, a.* exclude (region, town_number, region_number)
        from numbered n
        join again a
          on a.person = n.person
         and n.area = case n.area_kind when 'region' then a.region_number else a.town_number end
    ),
    followed as (
        select u.unit, f.employed_from, f.improved_from, min(u.start_date) as first_day
        from units u join followup_days f using (person)
        group by all
    ),
    changes as (
        select distinct unit, day from (
            select unit, start_date as day from units
            union all
            select unit, end_date from units where end_date is not null
            -- a follow-up dated before the first entry counts from the entry
            union all
            select unit, greatest(employed_from, first_day) from followed where employed_from is not null
            union all
            select unit, greatest(improved_from, first_day) from followed where improved_from is not null
        )
    ),
    spells as (
        select unit, day as from_day, lead(day) over (partition by unit order by day) as to_day
        from changes
    ),
    dynamic as (
        select
            s.unit,
            s.from_day,
            s.to_day,
            arg_max(e.end_date is null or e.end_date > s.from_day, e.start_date) filter (where e.start_date <= s.from_day)
                as is_active,
            -- The contract's "left": the latest entry that has started has ended. So active + left is
            -- everyone, once: a person who left and came back is active, not both.
            not arg_max(e.end_date is null or e.end_date > s.from_day, e.start_date) filter (where e.start_date <= s.from_day)
                as has_left,
            -- the latest exit's result; of two entries that end on one day, the one that started later
            arg_max(coalesce(e.exit_status, 'unknown'), (e.end_date, e.start_date)) filter (where e.end_date <= s.from_day) as exit_status
        from spells s
        join units e using (unit)
        group by all
    ),
    -- Characteristics from the first entry, even where it left them empty (arg_min skips a null).
    firsts as (
        select
            unit,
            any_value(person) as person,
            any_value(implementer_id) as implementer_id,
            arg_min(municipality, start_date) as municipality,
            min(start_date) as first_day,
            arg_min(gender, start_date) as gender,
            arg_min(age_group, start_date) as age_group,
            arg_min(labour_market_status, start_date) as labour_market_status,
            arg_min_null(long_term_unemployed, start_date) as long_term_unemployed,
            arg_min_null(education_isced, start_date) as education_isced,
            arg_min_null(disability, start_date) as disability,
            arg_min_null(third_country_national, start_date) as third_country_national,
            arg_min_null(foreign_background, start_date) as foreign_background,
            arg_min_null(minority, start_date) as minority,
            arg_min_null(homeless, start_date) as homeless,
            arg_min_null(rural, start_date) as rural
        from units
        group by unit
    ),
    grouped as (
        select
            f.* exclude (unit, first_day),
            p.region,
            d.from_day,
            d.to_day,
            d.exit_status,
            d.has_left,
            d.is_active,
            coalesce(fo.employed_from <= d.from_day, false) as followup_employed,
            coalesce(fo.improved_from <= d.from_day, false) as followup_improved_situation,
            n.unit is null as of_person,
            case
                when n.area_kind = 'region' then n.area
                when n.unit is null and not coalesce(m.region_mover, false) then p.region_number
            end as in_region,
            case
                when n.area_kind = 'town' then n.area
                when n.unit is null and m.person is null then p.town_number
            end as in_town,
            d.from_day = f.first_day as first_spell
        from dynamic d
        join firsts f using (unit)
        join places p using (municipality)
        left join numbered n using (unit)
        left join movers m on m.person = f.person and n.unit is null
        left join followed fo using (unit)
    ),
    -- Most people: one entry, no follow-up. Their first spell runs from the entry's start to its end
    -- (an entry that ends on the day it starts has one spell, already left), the second from the end.
    plain as (
        select e.*, p.region, p.town_number, p.region_number
        from entries e
        join places p using (municipality)
        where e.entries_of_person = 1 and e.person not in (select person from followup_days)
    ),
    -- (one scan of `plain` for both spells: a union of two made DuckDB copy its 905 000 rows first)
    plain_spells as (
        select p.*,
            case spell when 0 then start_date else end_date end as from_day,
            case when spell = 0 and end_date > start_date then end_date end as to_day
        from plain p
        cross join (values (0), (1)) spells(spell)
        where spell = 0 or end_date > start_date
    ),
    labelled as (
        select * from grouped
        union all
        select
            person, implementer_id, municipality, gender, age_group, labour_market_status, long_term_unemployed, education_isced,
            disability, third_country_national, foreign_background, minority, homeless, rural,
            region, from_day, to_day,
            case when end_date <= from_day then coalesce(exit_status, 'unknown') end,
            coalesce(end_date <= from_day, false),
            not coalesce(end_date <= from_day, false),
            false, false, true, region_number, town_number, from_day = start_date
        from plain_spells
    )
    select
        r.person, r.from_day, r.to_day, r.of_person, r.in_region, r.in_town, r.first_spell,
        i.implementer_number,
        label_code(v.gender, r.gender) * v.gender_weight
        + label_code(v.age_group, r.age_group) * v.age_group_weight
        + label_code(v.labour_market_status, r.labour_market_status) * v.labour_market_status_weight
        + flag_code(r.long_term_unemployed) * v.long_term_unemployed_weight
        + label_code(v.education_isced, r.education_isced) * v.education_isced_weight
        + label_code(v.exit_status, r.exit_status) * v.exit_status_weight
        + flag_code(r.has_left) * v.has_left_weight
        + flag_code(r.is_active) * v.is_active_weight
        + flag_code(r.disability) * v.disability_weight
        + flag_code(r.third_country_national) * v.third_country_national_weight
        + flag_code(r.foreign_background) * v.foreign_background_weight
        + flag_code(r.minority) * v.minority_weight
        + flag_code(r.homeless) * v.homeless_weight
        + flag_code(r.rural) * v.rural_weight
        + flag_code(r.followup_employed) * v.followup_employed_weight
        + flag_code(r.followup_improved_situation) as kind_code,
        a.town_number * v.place_town_weight
        + a.region_number * v.place_region_weight
        + label_code(v.gender, r.gender) * v.place_gender_weight
        + label_code(v.age_group, r.age_group) as place_code
    from labelled r
    cross join label_values v
    join scratch.implementer_numbers i using (implementer_id)
    join scratch.area_numbers a on a.municipality = r.municipality and a.region = r.region;

-- The people cells, numbered by implementer and kind: a kind is the characteristics alone, numbered
-- in code order among the few thousand distinct ones, and its labels are read back from its code.
create table scratch.profile_people_labels as
    with
    -- numbered before their labels join them: a window over the labelled rows sorted them whole (0.23 s)
    cells as (
        select (row_number() over (order by implementer_number, kind_code) - 1)::integer as people_cell, *
        from (select distinct implementer_number, kind_code from profile_rows)
    ),
    kinds as (
        select
            (row_number() over (order by k.kind_code) - 1)::integer as kind,
            k.kind_code,
            label_of(v.gender, k.kind_code, v.gender_weight) as gender,
            label_of(v.age_group, k.kind_code, v.age_group_weight) as age_group,
            label_of(v.labour_market_status, k.kind_code, v.labour_market_status_weight) as labour_market_status,
            label_of(v.flag, k.kind_code, v.long_term_unemployed_weight) as long_term_unemployed,
            label_of(v.education_isced, k.kind_code, v.education_isced_weight) as education_isced,
            label_of(v.exit_status, k.kind_code, v.exit_status_weight) as exit_status,
            label_of(v.flag, k.kind_code, v.has_left_weight) as has_left,
            label_of(v.flag, k.kind_code, v.is_active_weight) as is_active,
            label_of(v.flag, k.kind_code, v.disability_weight) as disability,
            label_of(v.flag, k.kind_code, v.third_country_national_weight) as third_country_national,
            label_of(v.flag, k.kind_code, v.foreign_background_weight) as foreign_background,
            label_of(v.flag, k.kind_code, v.minority_weight) as minority,
            label_of(v.flag, k.kind_code, v.homeless_weight) as homeless,
            label_of(v.flag, k.kind_code, v.rural_weight) as rural,
            label_of(v.flag, k.kind_code, v.followup_employed_weight) as followup_employed,
            label_of(v.flag, k.kind_code, 1) as followup_improved_situation
        from (select distinct kind_code from cells) k
        cross join label_values v
    )
    select
        c.people_cell,
        k.kind,
        i.implementer_id,
        k.* exclude (kind, kind_code),
        c.implementer_number,
        c.kind_code
    from cells c
    join kinds k using (kind_code)
    join scratch.implementer_numbers i using (implementer_number);

create table scratch.profile_place_labels as
    with cells as (select distinct implementer_number, place_code from profile_rows)
    select
        (row_number() over (order by c.implementer_number, c.place_code) - 1)::integer as place_cell,
        i.implementer_id,
        a.municipality,
        a.region,
        label_of(v.gender, c.place_code, v.place_gender_weight) as gender,
        label_of(v.age_group, c.place_code, 1) as age_group,
        c.implementer_number,
        c.place_code
    from cells c
    join scratch.implementer_numbers i using (implementer_number)
    cross join label_values v
    join scratch.area_numbers a
      on a.town_number = c.place_code // v.place_town_weight
     and a.region_number = c.place_code // v.place_region_weight % v.regions;

create table scratch.profile_states as
    select c.people_cell, c.kind, l.place_cell, hash(r.person) as print_a, hash(r.person::varchar) as print_b,
        r.person, r.from_day, r.to_day, r.of_person, r.in_region, r.in_town, r.first_spell
    from profile_rows r
    join scratch.profile_people_labels c using (implementer_number, kind_code)
    join scratch.profile_place_labels l using (implementer_number, place_code);

drop table profile_rows;
drop table label_values;
