package org.sipmq.mqueue.bench;

import org.openjdk.jmh.annotations.Threads;

/** {@link AddFetchBench} with 4 threads contending for one queue. */
@Threads(4)
public class AddFetch4ThreadsBench extends AddFetchBench {
}
