-- What each people cell of profile_states (derived.sql) stands for, in cell order.
select distinct
    people_cell,
    kind,
    implementer_id,
    gender,
    age_group,
    labour_market_status,
    long_term_unemployed,
    education_isced,
    exit_status,
    has_left,
    is_active,
    disability,
    third_country_national,
    foreign_background,
    minority,
    homeless,
    rural,
    followup_employed,
    followup_improved_situation
from profile_states
order by people_cell
