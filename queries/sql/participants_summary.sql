-- Distinct participants who had entered by $as_of, and the women among them. A person is one
-- (implementer_id, participant_id): ids are unique within their implementer, and re-entries count once.
with

scoped as (
    select person, gender
    from entries
    where start_date <= $as_of::date
      and row_in_scope(implementer_id, municipality, $implementer, $region, $municipalities)
),

final as (
    select
        count(distinct person) as participants,
        count(distinct person) filter (where gender = 'F') as participants_women
    from scoped
)

select * from final
