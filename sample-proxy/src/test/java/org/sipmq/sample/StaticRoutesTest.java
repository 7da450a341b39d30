package org.sipmq.sample;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sip.message.Message;
import javax.sip.message.Request;
import org.junit.jupiter.api.Test;
import org.sipmq.proxy.RequestContext;

/** The static route table, at the hook level, with a hand-written request context. */
class StaticRoutesTest {
    private final StaticRoutes routes = new StaticRoutes(new SampleSettings(Map.of("alice", "sip:alice@10.0.0.1:5090",
            "bob", "sip:bob@10.0.0.2"), Optional.empty(), SampleSettings.DEFAULT_CDR_DB_URL, 100, 0,
            SampleSettings.AccountingMode.CDR));

    @Test
    void newRequestForAUserInTheTableIsForwardedToItsRoute() {
        FakeRequest alice = new FakeRequest("alice", false);
        routes.onRequest(alice);
        assertThat(alice.forwarded).containsExactly("sip:alice@10.0.0.1:5090");

        FakeRequest bob = new FakeRequest("bob", false);
        routes.onRequest(bob);
        assertThat(bob.forwarded).containsExactly("sip:bob@10.0.0.2");
    }

    @Test
    void userNotInTheTableIsLeftToTheDefaultRouting() {
        FakeRequest carol = new FakeRequest("carol", false);
        routes.onRequest(carol);
        assertThat(carol.decided()).isFalse();
    }

    @Test
    void requestUriWithoutUserIsLeftToTheDefaultRouting() {
        FakeRequest noUser = new FakeRequest(null, false);
        routes.onRequest(noUser);
        assertThat(noUser.decided()).isFalse();
    }

    @Test
    void inDialogRequestFollowsItsRouteSetEvenForAUserInTheTable() {
        FakeRequest bye = new FakeRequest("alice", true);
        routes.onRequest(bye);
        assertThat(bye.decided()).isFalse();
    }

    @Test
    void emptyTableRoutesNothing() {
        StaticRoutes none = new StaticRoutes(new SampleSettings(Map.of(), Optional.empty(),
                SampleSettings.DEFAULT_CDR_DB_URL, 100, 0, SampleSettings.AccountingMode.CDR));
        FakeRequest alice = new FakeRequest("alice", false);
        none.onRequest(alice);
        assertThat(alice.decided()).isFalse();
    }

    /** A request whose {@code $rU} is {@code user}; records what the hook decides. */
    private static final class FakeRequest implements RequestContext {
        private final String user;
        private final boolean inDialog;
        final List<String> forwarded = new ArrayList<>();
        private boolean decided;

        FakeRequest(String user, boolean inDialog) {
            this.user = user;
            this.inDialog = inDialog;
        }

        @Override
        public String pv(String pv) {
            if (!pv.equals("$rU")) {
                throw new AssertionError("StaticRoutes read " + pv + " (expected: only $rU)");
            }
            return user;
        }

        @Override
        public boolean inDialog() {
            return inDialog;
        }

        @Override
        public void forward(List<String> uris) {
            decide();
            forwarded.addAll(uris);
        }

        @Override
        public void reply(int code, String reason) {
            throw new AssertionError("StaticRoutes replied " + code + " (expected: forward or nothing)");
        }

        @Override
        public void drop() {
            throw new AssertionError("StaticRoutes dropped the request (expected: forward or nothing)");
        }

        private void decide() {
            if (decided) {
                throw new AssertionError("decided twice");
            }
            decided = true;
        }

        @Override
        public boolean decided() {
            return decided;
        }

        @Override
        public Request request() {
            throw new AssertionError("StaticRoutes read the request (expected: only $rU)");
        }

        @Override
        public Message message() {
            return request();
        }

        @Override
        public String format(String format) {
            throw new AssertionError("StaticRoutes formatted " + format);
        }

        @Override
        public void addHeader(String name, String value) {
            throw new AssertionError("StaticRoutes added a header " + name);
        }

        @Override
        public void removeHeader(String name) {
            throw new AssertionError("StaticRoutes removed a header " + name);
        }
    }
}
