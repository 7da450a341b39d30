package org.sipmq.sample;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.inject.Module;
import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.domain.JavaType;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The rules of the house (docs/architecture.md), over the compiled main classes of the three modules: the modules
 * point one way (sample -> mqueue -> proxy-core), a module's engine ({@code internal}) stays out of every public
 * signature and out of other modules, the public packages form no cycle, no public type and its engine need each other,
 * and no engine class reaches back up to a public Guice module.
 */
class ArchitectureTest {
    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(location -> !location.contains("/test-classes/") && !location.contains("-tests.jar"))
            .importPackages("org.sipmq");

    private static boolean isEngine(JavaClass c) {
        return c.getPackageName().contains(".internal");
    }

    @Test
    void importsTheMainClassesOfAllThreeModules() {
        // Guards the other rules: over no classes they would all pass.
        assertThat(CLASSES.contain("org.sipmq.proxy.Sipmq")).isTrue();
        assertThat(CLASSES.contain("org.sipmq.proxy.internal.RealSipProxy")).isTrue();
        assertThat(CLASSES.contain("org.sipmq.mqueue.MQueues")).isTrue();
        assertThat(CLASSES.contain("org.sipmq.sample.SampleProxy")).isTrue();
        assertThat(CLASSES.stream().map(JavaClass::getSimpleName)).doesNotContain("ArchitectureTest",
                "TestUserAgent");
    }

    @Test
    void modulesPointOneWaySampleToMqueueToProxyCore() {
        noClasses().that().resideInAPackage("org.sipmq.proxy..")
                .should().dependOnClassesThat().resideInAnyPackage("org.sipmq.mqueue..", "org.sipmq.sample..")
                .check(CLASSES);
        noClasses().that().resideInAPackage("org.sipmq.mqueue..")
                .should().dependOnClassesThat().resideInAPackage("org.sipmq.sample..")
                .check(CLASSES);
    }

    @Test
    void noModuleUsesAnotherModulesEngine() {
        noClasses().that().resideInAPackage("org.sipmq.mqueue..")
                .should().dependOnClassesThat().resideInAPackage("org.sipmq.proxy..internal..")
                .check(CLASSES);
        noClasses().that().resideInAPackage("org.sipmq.sample..")
                .should().dependOnClassesThat().resideInAPackage("..internal..")
                .check(CLASSES);
    }

    @Test
    void noEngineTypeInAPublicSignature() {
        assertThat(engineTypesInPublicSignatures(CLASSES)).as("engine (internal) types in public signatures").isEmpty();
    }

    @Test
    void noPublicTypeAndItsEngineNeedEachOther() {
        assertThat(loopsBetweenApiAndEngine(CLASSES)).as("loops between public types and their engine").isEmpty();
    }

    @Test
    void theHandWrittenRulesFindWhatTheyLookFor() {
        // The two rules above are ours, not ArchUnit's: over a fixture that breaks both, they must say so.
        JavaClasses fixture = new ClassFileImporter().importPackages("org.sipmq.sample.archfixture");
        assertThat(engineTypesInPublicSignatures(fixture)).containsExactly(
                "org.sipmq.sample.archfixture.LeakyApi.engine() returns org.sipmq.sample.archfixture.internal.Engine");
        assertThat(loopsBetweenApiAndEngine(fixture)).containsExactly(
                "org.sipmq.sample.archfixture.LeakyApi -> org.sipmq.sample.archfixture.internal.Engine"
                        + " -> org.sipmq.sample.archfixture.LeakyApi");
    }

    private static List<String> engineTypesInPublicSignatures(JavaClasses classes) {
        List<String> violations = new ArrayList<>();
        for (JavaClass c : classes) {
            if (isEngine(c) || !isVisibleApi(c)) {
                continue;
            }
            c.getRawSuperclass().ifPresent(s -> check(violations, c.getName() + " extends", s));
            c.getRawInterfaces().forEach(i -> check(violations, c.getName() + " implements", i));
            for (JavaField f : c.getFields()) {
                if (isApiMember(f.getModifiers())) {
                    check(violations, f.getFullName(), f.getType());
                }
            }
            for (JavaCodeUnit u : c.getCodeUnits()) {
                if (!isApiMember(u.getModifiers()) || u.getModifiers().contains(JavaModifier.SYNTHETIC)
                        || u.getModifiers().contains(JavaModifier.BRIDGE)) {
                    continue;
                }
                check(violations, u.getFullName() + " returns", u.getReturnType());
                u.getParameterTypes().forEach(p -> check(violations, u.getFullName() + " takes", p));
                u.getThrowsClause().getTypes().forEach(t -> check(violations, u.getFullName() + " throws", t));
            }
        }
        return violations;
    }

    private static boolean isVisibleApi(JavaClass c) {
        for (JavaClass k = c; k != null; k = k.getEnclosingClass().orElse(null)) {
            if (!k.getModifiers().contains(JavaModifier.PUBLIC)) {
                return false;
            }
        }
        return true;
    }

    private static boolean isApiMember(Set<JavaModifier> modifiers) {
        return modifiers.contains(JavaModifier.PUBLIC) || modifiers.contains(JavaModifier.PROTECTED);
    }

    private static void check(List<String> violations, String where, JavaType type) {
        for (JavaClass raw : type.getAllInvolvedRawTypes()) {
            if (raw.getPackageName().startsWith("org.sipmq") && isEngine(raw)) {
                violations.add(where + " " + raw.getName());
            }
        }
    }

    @Test
    void publicPackagesFormNoCycle() {
        slices().assignedFrom(packagesWhere(false)).should().beFreeOfCycles().check(CLASSES);
    }

    @Test
    void enginePackagesFormNoCycle() {
        slices().assignedFrom(packagesWhere(true)).should().beFreeOfCycles().check(CLASSES);
    }

    private static SliceAssignment packagesWhere(boolean engine) {
        return new SliceAssignment() {
            @Override
            public SliceIdentifier getIdentifierOf(JavaClass c) {
                return isEngine(c) == engine ? SliceIdentifier.of(c.getPackageName()) : SliceIdentifier.ignore();
            }

            @Override
            public String getDescription() {
                return (engine ? "engine" : "public") + " packages";
            }
        };
    }

    /**
     * A public type may use its engine and the engine may implement public types, but never both along one path: a
     * public class that reaches itself again through an engine class is a loop (such as a public record whose
     * engine-side parser builds it).
     */
    private static List<String> loopsBetweenApiAndEngine(JavaClasses classes) {
        Map<String, Set<String>> graph = topLevelGraph(classes);
        List<String> loops = new ArrayList<>();
        for (String api : new TreeSet<>(graph.keySet())) {
            if (api.contains(".internal")) {
                continue;
            }
            List<String> path = pathBack(graph, api);
            if (!path.isEmpty()) {
                loops.add(String.join(" -> ", path));
            }
        }
        return loops;
    }

    /** The shortest path from {@code api} through an engine class back to {@code api}, or an empty list. */
    private static List<String> pathBack(Map<String, Set<String>> graph, String api) {
        Map<String, String> parent = new HashMap<>();
        Deque<String> queue = new ArrayDeque<>();
        for (String next : graph.getOrDefault(api, Set.of())) {
            if (next.contains(".internal")) {
                parent.put(next, api);
                queue.add(next);
            }
        }
        while (!queue.isEmpty()) {
            String v = queue.poll();
            for (String w : graph.getOrDefault(v, Set.of())) {
                if (w.equals(api)) {
                    List<String> path = new ArrayList<>(List.of(api));
                    for (String k = v; !k.equals(api); k = parent.get(k)) {
                        path.add(1, k);
                    }
                    path.add(api);
                    return path;
                }
                if (!parent.containsKey(w)) {
                    parent.put(w, v);
                    queue.add(w);
                }
            }
        }
        return List.of();
    }

    @Test
    void noEngineClassUsesAPublicGuiceModule() {
        noClasses().that().resideInAPackage("..internal..")
                .should().dependOnClassesThat(new DescribedPredicate<JavaClass>("are public Guice modules") {
                    @Override
                    public boolean test(JavaClass c) {
                        return c.getPackageName().startsWith("org.sipmq") && !isEngine(c) && c.isAssignableTo(
                                Module.class);
                    }
                })
                .check(CLASSES);
    }

    private static String topLevel(JavaClass c) {
        JavaClass k = c;
        while (k.getEnclosingClass().isPresent()) {
            k = k.getEnclosingClass().get();
        }
        return k.getName();
    }

    private static Map<String, Set<String>> topLevelGraph(JavaClasses classes) {
        Map<String, Set<String>> graph = new HashMap<>();
        for (JavaClass c : classes) {
            String from = topLevel(c);
            Set<String> targets = graph.computeIfAbsent(from, k -> new TreeSet<>());
            for (Dependency d : c.getDirectDependenciesFromSelf()) {
                JavaClass target = d.getTargetClass();
                if (target.isArray()) {
                    target = target.getBaseComponentType();
                }
                if (target.getPackageName().startsWith("org.sipmq") && classes.contain(target.getName())) {
                    String to = topLevel(target);
                    if (!to.equals(from)) {
                        targets.add(to);
                    }
                }
            }
        }
        return graph;
    }
}
