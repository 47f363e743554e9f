package dev.tlsfront.testing;

import io.netty.buffer.ByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test class when Netty's leak detector reported a buffer that was never released while it
 * ran. Registered for every test through {@code META-INF/services} (with extension autodetection
 * on in {@code junit-platform.properties}); the build runs the detector at {@code paranoid}.
 */
public final class LeakCheckExtension implements AfterAllCallback {

    private static final List<String> LEAKS = new CopyOnWriteArrayList<>();

    static {
        ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(new ResourceLeakDetectorFactory() {
            @Override
            @SuppressWarnings("deprecation")  // the abstract method every detector is made through
            public <T> ResourceLeakDetector<T> newResourceLeakDetector(Class<T> resource, int samplingInterval,
                    long maxActive) {
                return new ResourceLeakDetector<>(resource, samplingInterval) {
                    @Override
                    protected void reportTracedLeak(String type, String records) {
                        LEAKS.add(type + " leaked:" + records);
                        super.reportTracedLeak(type, records);
                    }

                    @Override
                    protected void reportUntracedLeak(String type) {
                        LEAKS.add(type + " leaked (no records)");
                        super.reportUntracedLeak(type);
                    }
                };
            }
        });
    }

    @Override
    public void afterAll(ExtensionContext context) throws InterruptedException {
        check(context.getDisplayName());
    }

    /** Throws when a leak has been reported since the last check. */
    static void check(String what) throws InterruptedException {
        // Leaks are found when a leaked buffer is collected and reported on a later allocation.
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50);
            ByteBufAllocator.DEFAULT.directBuffer(1).release();
            ByteBufAllocator.DEFAULT.heapBuffer(1).release();
        }
        if (!LEAKS.isEmpty()) {
            List<String> found = new ArrayList<>(LEAKS);
            LEAKS.clear();
            throw new AssertionError(found.size() + " ByteBuf leak(s) reported while " + what + " ran:\n"
                     + String.join("\n\n", found));
        }
    }
}
