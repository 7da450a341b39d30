package org.sipmq.mqueue.bench;

import org.openjdk.jmh.annotations.Threads;

/** {@link AddFetchBench} with 2 threads contending for one queue. */
@Threads(2)
public class AddFetch2ThreadsBench extends AddFetchBench {
}
