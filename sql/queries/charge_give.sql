-- charge_give: the head of office or dept_admin gives an officer's acting charge to another.
SELECT {schema}.charge_give($1, $2, $3::date, $4::date, $5)
