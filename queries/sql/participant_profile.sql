-- Participants in scope who had entered by $as_of, counted by their characteristics: no id leaves
-- the database. A person counts once: characteristics from the first entry, the result from the
-- last exit up to $as_of. People with one entry (most) are counted straight from it; only those
-- with several need grouping.
with

in_scope as (
    select *
    from entries
    where start_date <= $as_of::date
      and row_in_scope(implementer_id, municipality, $implementer, $region, $municipalities)
),

once as (
    select
        implementer_id,
        municipality,
        gender,
        age_at_start,
        age_group,
        labour_market_status,
        long_term_unemployed,
        education_isced,
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
        arg_min(age_at_start, start_date) as age_at_start,
        arg_min(age_group, start_date) as age_group,
        arg_min(labour_market_status, start_date) as labour_market_status,
        arg_min(long_term_unemployed, start_date) as long_term_unemployed,
        arg_min(education_isced, start_date) as education_isced,
        -- active: the latest entry has not ended by as_of
        arg_max(end_date is null or end_date > $as_of::date, start_date) as is_active
    from again
    group by person
),

exits as (
    select person, arg_max(coalesce(exit_status, 'unknown'), end_date) as exit_status
    from again
    where end_date is not null and end_date <= $as_of::date
    group by person
),

people as (
    select * from once
    union all
    select
        f.implementer_id,
        f.municipality,
        f.gender,
        f.age_at_start,
        f.age_group,
        f.labour_market_status,
        f.long_term_unemployed,
        f.education_isced,
        x.exit_status,
        x.person is not null as has_left,
        f.is_active
    from first_entry f
    left join exits x using (person)
),

regions as (
    select distinct municipality, region from municipalities
),

final as (
    select
        p.implementer_id,
        p.municipality,
        r.region,
        p.gender,
        p.age_group,
        p.age_at_start > 54 as is_over_54,
        p.labour_market_status,
        p.long_term_unemployed,
        p.education_isced,
        p.exit_status,
        p.has_left,
        p.is_active,
        count(*) as participants
    from people p
    join regions r on r.municipality = p.municipality
    group by all
)

-- A fixed row order: small-cell protection breaks ties by the rows a cell selects, and every server
-- process must hide the same cells.
select * from final
order by all
