package org.sipmq.proxy.internal;

import static org.assertj.core.api.Assertions.assertThat;

import gov.nist.javax.sip.message.SIPRequest;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TransactionsTest {
    private static final String BRANCH = "z9hG4bK-up-1";

    private final FakeClock clock = new FakeClock();
    private final SipTimers timers = new SipTimers("test-sip-timers", clock);
    private final List<ProxyTransaction.Branch> timedOut = new ArrayList<>();
    private final Transactions txs = new Transactions(500, 5_000, timers, timedOut::add);

    @AfterEach
    void stop() {
        timers.stop();
    }

    private static String key(String method, String branch) {
        return Transactions.serverKey(SipText.request(method, branch));
    }

    @Test
    void anAckMapsToItsInvitesKey() {
        assertThat(key("ACK", BRANCH)).isEqualTo(key("INVITE", BRANCH));
    }

    @Test
    void aCancelHasItsOwnKeyAndFindsItsInvite() {
        SIPRequest cancel = SipText.request("CANCEL", BRANCH);
        assertThat(Transactions.serverKey(cancel)).isNotEqualTo(key("INVITE", BRANCH));
        assertThat(Transactions.serverKey(cancel, "INVITE")).isEqualTo(key("INVITE", BRANCH));
    }

    @Test
    void theMethodSeparatesRequestsOfOneBranch() {
        assertThat(key("OPTIONS", BRANCH)).isNotEqualTo(key("INVITE", BRANCH));
    }

    @Test
    void theBranchSeparatesRequests() {
        assertThat(key("INVITE", "z9hG4bK-up-2")).isNotEqualTo(key("INVITE", BRANCH));
    }

    @Test
    void aDifferentSentByGivesADifferentKey() {
        String invite = key("INVITE", BRANCH);
        assertThat(Transactions.serverKey(SipText.request("INVITE", BRANCH, "192.0.2.2:5060", 1))).isNotEqualTo(
                invite);
        assertThat(Transactions.serverKey(SipText.request("INVITE", BRANCH, "192.0.2.1:5070", 1))).isNotEqualTo(
                invite);
    }

    @Test
    void theSameRequestParsedTwiceHasTheSameKey() {
        assertThat(key("INVITE", BRANCH)).isEqualTo(key("INVITE", BRANCH));
    }

    @Test
    void rfc2543RequestsAreKeyedByCallIdFromTagAndCSeq() {
        // no branch, or one without the magic cookie: what RFC 2543 matched on (RFC 3261 17.2.3)
        for (String branch : new String[]{null, "2543-style-1"}) {
            String invite = Transactions.serverKey(SipText.request("INVITE", branch, "192.0.2.1:5060", 1));
            assertThat(Transactions.serverKey(SipText.request("INVITE", branch, "192.0.2.1:5060", 1))).isEqualTo(
                    invite);
            assertThat(Transactions.serverKey(SipText.request("ACK", branch, "192.0.2.1:5060", 1))).as(
                    "its ACK").isEqualTo(invite);
            SIPRequest cancel = SipText.request("CANCEL", branch, "192.0.2.1:5060", 1);
            assertThat(Transactions.serverKey(cancel)).isNotEqualTo(invite);
            assertThat(Transactions.serverKey(cancel, "INVITE")).as("its CANCEL's INVITE").isEqualTo(invite);
            assertThat(Transactions.serverKey(SipText.request("INVITE", branch, "192.0.2.1:5060", 2))).as(
                    "another CSeq").isNotEqualTo(invite);
            assertThat(Transactions.serverKey(SipText.request("INVITE", branch, "192.0.2.2:5060", 1))).as(
                    "another sent-by").isNotEqualTo(invite);
            assertThat(Transactions.serverKey(withHeader("INVITE", branch, "Call-ID", "other@192.0.2.1"))).as(
                    "another Call-ID").isNotEqualTo(invite);
            assertThat(Transactions.serverKey(withHeader("INVITE", branch, "From",
                    "<sip:alice@example.com>;tag=other"))).as("another From tag").isNotEqualTo(invite);
        }
    }

    @Test
    void anRfc2543KeyNeverEqualsAnRfc3261One() {
        assertThat(Transactions.serverKey(SipText.request("INVITE", null))).isNotEqualTo(key("INVITE", BRANCH));
    }

    /** A request of {@link SipText#request} with one header's value replaced. */
    private static SIPRequest withHeader(String method, String branch, String name, String value) {
        String text = SipText.request(method, branch).encode().replaceAll("(?m)^" + name + ":[^\r\n]*", name + ": "
                + value);
        return (SIPRequest) SipText.parse(text);
    }

    @Test
    void clientKeysAreTheBranchAndTheCSeqMethod() {
        SIPRequest invite = SipText.request("INVITE", "z9hG4bK-down-1");
        String key = Transactions.clientKey(invite);
        assertThat(Transactions.clientKey(SipText.response(invite, 486, "b1"))).as("its response").isEqualTo(key);
        assertThat(Transactions.clientKey(SipText.request("INVITE", "z9hG4bK-down-1", "192.0.2.99:5080", 9))).as(
                "sent-by and CSeq number do not count").isEqualTo(key);
        assertThat(Transactions.clientKey(SipText.request("INVITE", "z9hG4bK-down-2"))).isNotEqualTo(key);
        SIPRequest cancel = SipText.request("CANCEL", "z9hG4bK-down-1");
        assertThat(Transactions.clientKey(cancel)).as("a CANCEL shares the branch, not the transaction")
                .isNotEqualTo(key);
        assertThat(Transactions.clientKey(SipText.response(cancel, 200, "b1"))).isEqualTo(Transactions.clientKey(
                cancel));
    }

    @Test
    void addingAServerTransactionTwiceReturnsTheOneAlreadyThere() {
        SIPRequest invite = SipText.request("INVITE", BRANCH);
        ServerTx first = new ServerTx(txs, Transactions.serverKey(invite), invite, FakeLink.udp(clock::millis));
        ServerTx second = new ServerTx(txs, Transactions.serverKey(invite), invite, FakeLink.udp(clock::millis));
        assertThat(txs.add(first)).isNull();
        assertThat(txs.add(second)).isSameAs(first);
        assertThat(txs.server(first.key)).isSameAs(first);
        txs.remove(second);
        assertThat(txs.server(first.key)).as("only the transaction itself removes its entry").isSameAs(first);
        txs.remove(first);
        assertThat(txs.server(first.key)).isNull();
    }

    @Test
    void sizeCountsServerAndClientTransactions() throws Exception {
        SIPRequest invite = SipText.request("INVITE", BRANCH);
        txs.add(new ServerTx(txs, Transactions.serverKey(invite), invite, FakeLink.udp(clock::millis)));
        SIPRequest out = SipText.request("INVITE", "z9hG4bK-down-1");
        new ClientTx(txs, out, FakeLink.udp(clock::millis), null).start();
        assertThat(txs.size()).isEqualTo(2);
    }

    @Test
    void timeoutIs64T1() {
        assertThat(txs.timeout()).isEqualTo(32_000);
        assertThat(new Transactions(100, 5_000, timers, b -> {
        }).timeout()).isEqualTo(6_400);
    }

    @Test
    void timedOutHandsTheBranchToTheConsumer() {
        ProxyTransaction.Branch b = new ProxyTransaction.Branch(null, null, SipText.request("INVITE", BRANCH));
        txs.timedOut(b);
        assertThat(timedOut).containsExactly(b);
    }
}
