// One platform at a time: each collection starts a whole composition (a broker, a database, six services, the
// dashboard), and two of them side by side on a small machine only make both slower and their fault timings flaky.
[assembly: Xunit.CollectionBehavior(DisableTestParallelization = true)]
