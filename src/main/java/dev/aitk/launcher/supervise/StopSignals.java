package dev.aitk.launcher.supervise;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns the launcher's own SIGINT (Ctrl+C) and SIGTERM into a graceful stop of the supervised run instead of
 * the JVM's immediate exit; {@link #close()} restores the previous handlers. Uses {@code sun.misc.Signal}
 * (module jdk.unsupported, present in every JDK since 9) through reflection so the build stays free of
 * internal-API warnings; where it is missing, a shutdown hook stops the run before the JVM exits instead.
 */
public final class StopSignals implements AutoCloseable {
    private static final String[] SIGNALS = {"INT", "TERM"};
    private final List<Object[]> previous = new ArrayList<>();
    private Thread hook;

    private StopSignals() {
    }

    /** From now until {@link #close()}, INT and TERM call {@code supervisor.requestStop}. */
    public static StopSignals install(Supervisor supervisor) {
        return install(java.util.List.of(supervisor));
    }

    /** The same for several runs at once: a stop reaches every one. */
    public static StopSignals install(java.util.List<Supervisor> supervisors) {
        StopSignals s = new StopSignals();
        try {
            Class<?> signalClass = Class.forName("sun.misc.Signal");
            Class<?> handlerClass = Class.forName("sun.misc.SignalHandler");
            Method handle = signalClass.getMethod("handle", signalClass, handlerClass);
            for (String name : SIGNALS) {
                Object signal = signalClass.getConstructor(String.class).newInstance(name);
                InvocationHandler onSignal = (proxy, method, args) -> {
                    if (method.getName().equals("handle")) {
                        String why = name.equals("INT") ? "Ctrl+C (SIGINT) to the launcher" : "SIGTERM to the launcher";
                        supervisors.forEach(sv -> sv.requestStop(why));
                        return null;
                    }
                    return switch (method.getName()) {
                        case "hashCode" -> System.identityHashCode(proxy);
                        case "equals" -> proxy == args[0];
                        default -> "aitk-launcher stop handler";
                    };
                };
                Object handler = Proxy.newProxyInstance(handlerClass.getClassLoader(), new Class<?>[] {handlerClass},
                        onSignal);
                Object old = handle.invoke(null, signal, handler);
                s.previous.add(new Object[] {signal, old});
            }
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            s.restore();
            s.hook = new Thread(() -> {
                supervisors.forEach(sv -> sv.requestStop("the launcher is shutting down"));
                try {
                    for (Supervisor sv : supervisors) {
                        sv.awaitIdle(java.time.Duration.ofMinutes(2));
                    }
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                }
            }, "aitk-stop-hook");
            Runtime.getRuntime().addShutdownHook(s.hook);
        }
        return s;
    }

    private void restore() {
        try {
            Class<?> signalClass = Class.forName("sun.misc.Signal");
            Class<?> handlerClass = Class.forName("sun.misc.SignalHandler");
            Method handle = signalClass.getMethod("handle", signalClass, handlerClass);
            for (Object[] p : previous) {
                handle.invoke(null, p[0], p[1]);
            }
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            // Nothing was installed, so nothing to restore.
        }
        previous.clear();
    }

    @Override
    public void close() {
        restore();
        if (hook != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // The JVM is already exiting; the hook runs anyway.
            }
        }
    }
}
