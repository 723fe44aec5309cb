-- 0008_pay_level: audiences may name a pay level or a range of them ("10",
-- "10-12": levels 1-18 of the pay matrix). The level is read from e-HRMS
-- through its one interface (state_hr.pay_level_of), never copied here.
ALTER TABLE {schema}.assignments DROP CONSTRAINT assignments_audience_check;
ALTER TABLE {schema}.assignments ADD CONSTRAINT assignments_audience_check
    CHECK (audience IN ('department', 'role', 'designation', 'section', 'pay_level'));
ALTER TABLE {schema}.assignments ADD CONSTRAINT assignments_pay_level_check
    CHECK (audience <> 'pay_level' OR audience_value ~ '^([1-9]|1[0-8])(-([1-9]|1[0-8]))?$');
