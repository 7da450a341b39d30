package org.sipmq.proxy.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigFileTest {
    private final ConfigErrors errors = new ConfigErrors();

    private ConfigFile parse(String text) {
        return ConfigFile.parse("p.cfg", text, errors);
    }

    @Test
    void readsCoreLinesWithTheirFileAndLine() {
        ConfigFile f = parse("""
                # a comment
                listen = udp:127.0.0.1:5060

                children=4
                """);
        assertThat(errors.messages()).isEmpty();
        assertThat(f.settings()).containsExactly(new Setting("p.cfg", 2, null, "listen", "udp:127.0.0.1:5060"),
                new Setting("p.cfg", 4, null, "children", "4"));
        assertThat(f.source()).isEqualTo("p.cfg");
    }

    @Test
    void readsModparamWithStringAndIntegerValuesAndLowerCasesTheModule() {
        ConfigFile f = parse("""
                modparam("MQueue", "mqueue", "name=acc;size=100")
                modparam ( 'mqueue' , 'mqueue_size' , 50 ) ;
                modparam("mqueue", "mqueue_addmode", -1);
                """);
        assertThat(errors.messages()).isEmpty();
        assertThat(f.settings()).containsExactly(
                new Setting("p.cfg", 1, "mqueue", "mqueue", "name=acc;size=100"),
                new Setting("p.cfg", 2, "mqueue", "mqueue_size", "50"),
                new Setting("p.cfg", 3, "mqueue", "mqueue_addmode", "-1"));
    }

    @Test
    void quotedValuesKeepCommentMarkersAndUnescapeQuotesAndBackslashes() {
        ConfigFile f = parse("""
                modparam("m", "a", "x # not a comment // either") # a comment
                modparam("m", "b", "say \\"hi\\"") // a comment
                modparam("m", "c", 'it\\'s \\\\ \\n')
                name = "quoted # value" # comment
                plain = some value // comment
                """);
        assertThat(errors.messages()).isEmpty();
        assertThat(f.settings()).extracting(Setting::value).containsExactly("x # not a comment // either",
                "say \"hi\"", "it's \\ \\n", "quoted # value", "some value");
    }

    @Test
    void everySyntaxErrorIsReportedWithFileAndLineAndTheRestIsStillRead() {
        ConfigFile f = parse("""
                good = 1
                just words
                modparam("m", "a", "unterminated)
                modparam("m" "a", 1)
                modparam(m, "a", 1)
                modparam("m", "a", 1) trailing
                modparam("m", "a", abc)
                modparam("m", "", 1)
                name = "x" y
                modparam("m", "a",
                also = 2
                """);
        assertThat(errors.messages()).containsExactly(
                "p.cfg:2: expected 'name = value' or 'modparam(\"module\", \"name\", value)', got 'just words'",
                "p.cfg:3: unterminated value (missing closing \")",
                "p.cfg:4: expected ',' at column 14",
                "p.cfg:5: expected a quoted module name at column 10",
                "p.cfg:6: unexpected text after modparam(...): 'trailing'",
                "p.cfg:7: expected a quoted string or an integer as the value at column 20",
                "p.cfg:8: modparam needs a module name and a parameter name (expected: modparam(\"module\","
                        + " \"name\", value))",
                "p.cfg:9: unexpected text after the quoted value: 'y'",
                "p.cfg:10: expected a quoted string or an integer as the value at column 19");
        assertThat(f.settings()).extracting(Setting::name).containsExactly("good", "also");
    }

    @Test
    void readsWindowsLineEndingsAndAByteOrderMark() {
        ConfigFile f = parse("\uFEFFa = 1\r\nb = 2\r\n");
        assertThat(errors.messages()).isEmpty();
        assertThat(f.settings()).extracting(Setting::name, Setting::line)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("a", 1),
                        org.assertj.core.groups.Tuple.tuple("b", 2));
    }

    @Test
    void moduleAndCoreLookupsAreCaseInsensitiveAndInOrder() {
        ConfigFile f = parse("""
                modparam("rtimer", "timer", "name=a")
                Listen = x
                modparam("mqueue", "mqueue", "name=q")
                modparam("RTIMER", "exec", "timer=a;route=R")
                listen = y
                """);
        assertThat(f.module("RTimer")).extracting(Setting::name).containsExactly("timer", "exec");
        assertThat(f.core("LISTEN")).extracting(Setting::value).containsExactly("x", "y");
    }

    @Test
    void reportUnreadNamesEveryLineNoReaderTook() {
        ConfigFile f = parse("""
                modparam("rtimer", "timer", "name=a")
                listen = x
                modparam("nosuch", "p", 1)
                colour = red
                """);
        f.module("rtimer");
        f.core("listen");
        f.reportUnread(errors);
        assertThat(errors.messages()).containsExactly(
                "p.cfg:3: modparam(\"nosuch\", \"p\"): unknown module or parameter (no module reads it)",
                "p.cfg:4: colour: unknown parameter");
    }

    @Test
    void readReportsAnUnreadableFileAndGivesAnEmptyConfiguration(@TempDir Path dir) {
        Path missing = dir.resolve("missing.cfg");
        ConfigFile f = ConfigFile.read(missing, errors);
        assertThat(f.settings()).isEmpty();
        assertThat(errors.messages()).singleElement().asString()
                .startsWith(missing + ": cannot read configuration file (java.nio.file.NoSuchFileException");
    }

    @Test
    void readParsesAFileNamingItInSettings(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("sipmq.cfg"), "a = 1\n");
        ConfigFile f = ConfigFile.read(file, errors);
        assertThat(f.settings()).containsExactly(new Setting(file.toString(), 1, null, "a", "1"));
    }

    @Test
    void ofBuildsAConfigurationFromCode() {
        ConfigFile f = ConfigFile.of(java.util.List.of(Setting.of("rtimer", "timer", "name=a")));
        assertThat(f.source()).isEqualTo("<code>");
        assertThat(f.module("rtimer")).singleElement().extracting(Setting::where).isEqualTo("<code>");
    }
}
