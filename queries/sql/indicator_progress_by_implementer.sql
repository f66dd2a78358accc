-- Participants (distinct, entered by $as_of) and person-days (dated by $as_of) per implementer in
-- scope: the achievement side of earned value.
with

scoped_implementers as (
    select implementer_id from implementers
    where implementer_in_scope(implementer_id, $implementer, $region, $municipalities)
),

people as (
    select implementer_id, count(distinct person) as participants
    from entries
    where start_date <= $as_of::date
    group by implementer_id
),

days as (
    select implementer_id, sum(days) as person_days
    from person_days_to($as_of::date)
    group by implementer_id
),

final as (
    select
        i.implementer_id,
        coalesce(p.participants, 0) as participants,
        coalesce(d.person_days, 0)::double as person_days
    from scoped_implementers i
    left join people p using (implementer_id)
    left join days d using (implementer_id)
)

select * from final order by implementer_id
