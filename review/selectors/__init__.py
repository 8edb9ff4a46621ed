"""Every read of the review app that views, tables, filters, exports and other apps share, one
module a job: ``queue`` (the queue, claims, one conviction, decisions), ``batches`` (what can be
batched, batches and their items), ``samples`` (the blind review's next item and the agreement
report). Import the module itself: this package re-exports nothing, so that each name has one
path."""
