-- Participants in scope who had entered by $as_of, counted by their characteristics: no id leaves
-- the database. A person is one (implementer_id, participant_id) and counts once: characteristics
-- from the first entry, the result from the last exit up to $as_of.
with

entries as (
    select *
    from participants
    where start_date <= $as_of::date
      and row_in_scope(implementer_id, municipality, $implementer, $region, $municipalities)
),

first_entry as (
    select
        implementer_id,
        participant_id,
        arg_min(municipality, start_date) as municipality,
        arg_min(gender, start_date) as gender,
        arg_min(age_at_start, start_date) as age_at_start,
        arg_min(age_group, start_date) as age_group,
        arg_min(labour_market_status, start_date) as labour_market_status,
        arg_min(long_term_unemployed, start_date) as long_term_unemployed,
        arg_min(education_isced, start_date) as education_isced
    from entries
    group by implementer_id, participant_id
),

exits as (
    select
        implementer_id,
        participant_id,
        arg_max(coalesce(exit_status, 'unknown'), end_date) as exit_status
    from entries
    where end_date is not null and end_date <= $as_of::date
    group by implementer_id, participant_id
),

still_in as (
    -- active: the latest entry has not ended by as_of
    select implementer_id, participant_id,
           arg_max(end_date is null or end_date > $as_of::date, start_date) as is_active
    from entries
    group by implementer_id, participant_id
),

regions as (
    select distinct municipality, region from municipalities
),

final as (
    select
        f.implementer_id,
        f.municipality,
        r.region,
        f.gender,
        f.age_group,
        f.age_at_start > 54 as is_over_54,
        f.labour_market_status,
        f.long_term_unemployed,
        f.education_isced,
        x.exit_status,
        x.participant_id is not null as has_left,
        s.is_active,
        count(*) as participants
    from first_entry f
    left join exits x using (implementer_id, participant_id)
    join still_in s using (implementer_id, participant_id)
    join regions r on r.municipality = f.municipality
    group by all
)

-- A fixed row order: small-cell protection breaks ties by the rows a cell selects, and every server
-- process must hide the same cells.
select * from final
order by all
