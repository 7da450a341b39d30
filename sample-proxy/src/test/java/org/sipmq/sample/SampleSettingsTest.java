package org.sipmq.sample;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.sipmq.proxy.config.ConfigErrors;
import org.sipmq.proxy.config.ConfigFile;
import org.sipmq.sample.SampleSettings.AccountingMode;

/** The sample's {@code modparam("sample", ...)} lines, read into settings. */
class SampleSettingsTest {
    private final ConfigErrors errors = new ConfigErrors();

    private SampleSettings read(String text) {
        return SampleSettings.read(ConfigFile.parse("s.cfg", text, errors), errors);
    }

    @Test
    void accountingDefaultsToCdr() {
        SampleSettings s = read("");

        assertThat(s.accounting()).isEqualTo(AccountingMode.CDR);
        assertThat(s.accBatch()).isEqualTo(100);
        assertThat(errors.isEmpty()).isTrue();
    }

    @Test
    void accountingInviteIsRead() {
        SampleSettings s = read("""
                modparam("sample", "accounting", "invite")
                modparam("sample", "acc_batch", 100000)
                """);

        assertThat(s.accounting()).isEqualTo(AccountingMode.INVITE);
        assertThat(s.accBatch()).isEqualTo(100000);
        assertThat(errors.isEmpty()).isTrue();
    }

    @Test
    void unknownAccountingModeIsReportedWithTheExpectedValues() {
        SampleSettings s = read("modparam(\"sample\", \"accounting\", \"full\")\n");

        assertThat(s.accounting()).isEqualTo(AccountingMode.CDR);
        assertThat(errors.messages()).singleElement().asString()
                .contains("s.cfg:1: modparam(\"sample\", \"accounting\"): \"full\" (expected: cdr or invite)");
    }
}
