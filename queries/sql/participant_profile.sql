-- Participants in scope who had entered by $as_of, counted by their characteristics: no id leaves
-- the database. A person counts once: characteristics from the first entry, the result from the
-- last exit up to $as_of. People with one entry (most) are counted straight from it; only those
-- with several need grouping.
--
-- Two groupings, told apart by `grain`: "people" by every characteristic but the place, "places"
-- by implementer, municipality and region with gender and age group (what the split tables need).
-- Each row also carries the sum, modulo 2^64, of its people's fingerprints (two hashes of the
-- person number) so that any two cells, from either grain, can be told to hold the same people.
with

in_scope as (
    select *
    from entries
    where start_date <= $as_of::date
      and row_in_scope(implementer_id, municipality, $implementer, $region, $municipalities)
),

once as (
    select
        person,
        implementer_id,
        municipality,
        gender,
        age_group,
        labour_market_status,
        long_term_unemployed,
        education_isced,
        disability,
        third_country_national,
        foreign_background,
        minority,
        homeless,
        rural,
        case when end_date <= $as_of::date then coalesce(exit_status, 'unknown') end as exit_status,
        coalesce(end_date <= $as_of::date, false) as has_left,
        end_date is null or end_date > $as_of::date as is_active
    from in_scope
    where entries_of_person = 1
),

again as (
    select * from in_scope where entries_of_person > 1
),

first_entry as (
    select
        person,
        any_value(implementer_id) as implementer_id,
        arg_min(municipality, start_date) as municipality,
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
        arg_min_null(rural, start_date) as rural,
        -- active: the latest entry has not ended by as_of
        arg_max(end_date is null or end_date > $as_of::date, start_date) as is_active
    from again
    group by person
),

exits as (
    select person, arg_max(coalesce(exit_status, 'unknown'), (end_date, start_date)) as exit_status
    from again
    where end_date is not null and end_date <= $as_of::date
    group by person
),

people as (
    select * from once
    union all
    select
        f.person,
        f.implementer_id,
        f.municipality,
        f.gender,
        f.age_group,
        f.labour_market_status,
        f.long_term_unemployed,
        f.education_isced,
        f.disability,
        f.third_country_national,
        f.foreign_background,
        f.minority,
        f.homeless,
        f.rural,
        x.exit_status,
        not f.is_active as has_left,  -- the latest entry has ended (left and back again is active)
        f.is_active
    from first_entry f
    left join exits x using (person)
),

-- (v2) A follow-up counts from its date.
followed as (
    select person, max(employed_from) <= $as_of::date as followup_employed, max(improved_from) <= $as_of::date as followup_improved_situation
    from followup_days
    group by person
),

regions as (
    select distinct municipality, region from municipalities
),

final as (
    select
        case when grouping(p.implementer_id) = 0 then 'places' else 'people' end as grain,
        p.implementer_id,
        p.municipality,
        r.region,
        p.gender,
        p.age_group,
        p.labour_market_status,
        p.long_term_unemployed,
        p.education_isced,
        p.exit_status,
        p.has_left,
        p.is_active,
        p.disability,
        p.third_country_national,
        p.foreign_background,
        p.minority,
        p.homeless,
        p.rural,
        coalesce(fo.followup_employed, false) as followup_employed,
        coalesce(fo.followup_improved_situation, false) as followup_improved_situation,
        count(*) as participants,
        (sum(hash(p.person)) % 18446744073709551616)::ubigint as print_a,
        (sum(hash(p.person::varchar)) % 18446744073709551616)::ubigint as print_b
    from people p
    join regions r on r.municipality = p.municipality
    left join followed fo using (person)
    group by grouping sets (
        (
            p.gender, p.age_group, p.labour_market_status, p.long_term_unemployed,
            p.education_isced, p.exit_status, p.has_left, p.is_active,
            p.disability, p.third_country_national, p.foreign_background, p.minority, p.homeless, p.rural,
            coalesce(fo.followup_employed, false), coalesce(fo.followup_improved_situation, false)
        ),
        (p.implementer_id, p.municipality, r.region, p.gender, p.age_group)
    )
)

-- In no particular order: a cell is known by the people it selects, whatever the rows' order.
select * from final
