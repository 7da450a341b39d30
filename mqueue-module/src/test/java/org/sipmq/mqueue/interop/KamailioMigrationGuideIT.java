package org.sipmq.mqueue.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;

import com.google.inject.AbstractModule;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.sipmq.mqueue.MQueueModule;
import org.sipmq.mqueue.MQueues;
import org.sipmq.proxy.FailureContext;
import org.sipmq.proxy.ProxyModule;
import org.sipmq.proxy.RequestContext;
import org.sipmq.proxy.RoutingHook;
import org.sipmq.proxy.Sipmq;
import org.sipmq.proxy.admin.AdminModule;
import org.sipmq.proxy.timer.TimerContext;
import org.sipmq.proxy.timer.TimerModule;
import org.sipmq.proxy.timer.TimerRoute;
import org.sipmq.proxy.timer.TimerRoutes;

/**
 * The side-by-side example of docs/migrating-from-kamailio.md holds: its Kamailio configuration passes Kamailio's own
 * check, and its sipmq configuration, read from the page, configures with the page's hook and timer route (copied
 * here). Neither side touches a database: the check runs with the queue's dbmode set to 0, since Kamailio loads and
 * clears a dbmode 1 table even in a check.
 */
@Timeout(60)
class KamailioMigrationGuideIT {
    static final Path GUIDE = Path.of("..", "docs", "migrating-from-kamailio.md");

    @TempDir
    Path dir;

    @Test
    void kamailioConfigurationPassesKamailiosCheck() throws IOException {
        KamailioProcess.requireInstalled(dir);
        String cfg = block("### Kamailio (`kamailio.cfg`)").replace("dbmode=1", "dbmode=0").replace("10.0.0.5",
                "127.0.0.1");
        assertThat(KamailioProcess.checkOutput(dir, cfg)).contains("config file ok");
    }

    @Test
    void sipmqConfigurationConfiguresWithTheGuidesHookAndRoute() throws IOException {
        String cfg = block("### sipmq (`sipmq.cfg`)");
        Sipmq app = Sipmq.configure("sipmq.cfg", cfg, ProxyModule.builder().hooks(Edge.class).build(),
                new MQueueModule(), new TimerModule(), new AdminModule(), new AbstractModule() {
                    @Override
                    protected void configure() {
                        TimerRoutes.bind(binder(), "ACC_DRAIN").to(AccDrain.class);
                        bind(DataSource.class).toInstance(mock(DataSource.class));
                    }
                });
        MQueues mq = app.injector().getInstance(MQueues.class);
        assertThat(mq.find("acc")).isPresent();
        assertThat(mq.find("caller_state")).isPresent();
    }

    /** The first code block after the heading {@code heading}. */
    private static String block(String heading) throws IOException {
        String page = Files.readString(GUIDE);
        int at = page.indexOf("\n" + heading + "\n");
        assertThat(at).as("heading '%s' in %s", heading, GUIDE).isPositive();
        int start = page.indexOf("```\n", at) + 4;
        return page.substring(start, page.indexOf("\n```\n", start) + 1);
    }

    /** The guide's hook, as printed there. */
    static final class Edge implements RoutingHook {
        private final MQueues mq;

        @Inject
        Edge(MQueues mq) {
            this.mq = mq;
        }

        @Override
        public void onRequest(RequestContext r) {
            String method = r.request().getMethod();
            if (method.equals("INVITE") || method.equals("BYE")) {
                mq.mq_add("acc", "$ci", "$rm $fu $tu");
            }
            if (method.equals("INVITE") && !r.inDialog()) {
                mq.mq_add("caller_state", "$fu", "$ci");
            }
        }

        @Override
        public void onFailure(FailureContext f) {
            if (f.cancelled()) {
                mq.mq_add("acc", "$ci", "CANCEL 487");
                return;
            }
            mq.mq_add("acc", "$ci", "$rm $rs $rr");
            int code = f.response().getStatusCode();
            if ((code == 486 || code == 408) && f.round() == 1) {
                f.forward("sip:voicemail@10.0.0.9:5060");
            }
        }
    }

    /** The guide's timer route, as printed there. */
    static final class AccDrain implements TimerRoute {
        private final MQueues mq;
        private final DataSource accDb;

        @Inject
        AccDrain(MQueues mq, DataSource accDb) {
            this.mq = mq;
            this.accDb = accDb;
        }

        @Override
        public void run(TimerContext ctx) throws SQLException {
            try (Connection c = accDb.getConnection();
                    PreparedStatement insert = c
                            .prepareStatement("INSERT INTO acc_log (callid, data) VALUES (?, ?)")) {
                for (int n = 0; n < 500 && mq.mq_fetch("acc") == 1; n++) {
                    insert.setString(1, mq.mqk_get("acc"));
                    insert.setString(2, mq.mqv_get("acc"));
                    insert.executeUpdate();
                }
            }
        }
    }
}
