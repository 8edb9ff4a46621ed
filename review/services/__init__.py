"""Every write of the review app, one module a job: ``reviews`` (claims, decisions, the bulk
confirm), ``batches`` (gathering convictions and the approval state machine), ``samples`` (the
validation sample's draw and its blind outcomes). Import the module itself: this package
re-exports nothing, so that each name has one path."""
