-- dispatch_queue: see {schema}.dispatch_queue.
SELECT {schema}.dispatch_queue()
