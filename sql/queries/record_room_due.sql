-- record_room_due: the files in the record room due for review or weeding by date $1 ('' today, IST).
SELECT {schema}.record_room_due($1)
