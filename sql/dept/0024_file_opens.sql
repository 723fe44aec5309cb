-- 0024_file_opens: whether the holder has opened a file since it came to them (issue 26: an inbox item
-- says so). One row a file and officer: the seq of the file's last movement when that officer last
-- opened it as its holder (GET .../files/{id}, file_opened). An inbox item is opened when the row's
-- seq reaches the movement that brought the file (files_page). Rows are replaced, never piled up.
CREATE TABLE IF NOT EXISTS {schema}.file_opens (
    file_id uuid NOT NULL REFERENCES {schema}.files (id),
    uid text NOT NULL,
    seq integer NOT NULL,
    at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (file_id, uid)
);
