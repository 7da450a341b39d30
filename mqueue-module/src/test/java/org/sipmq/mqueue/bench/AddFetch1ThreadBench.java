package org.sipmq.mqueue.bench;

import org.openjdk.jmh.annotations.Threads;

/** {@link AddFetchBench} with 1 thread. */
@Threads(1)
public class AddFetch1ThreadBench extends AddFetchBench {
}
