package dev.tlsfront.testing;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBufAllocator;
import org.junit.jupiter.api.Test;

class LeakCheckExtensionTest {

    @Test
    void anUnreleasedBufferFailsTheCheck() {
        leak();
        assertThatThrownBy(() -> LeakCheckExtension.check("this test")).hasMessageContaining("ByteBuf leak(s) reported while this test ran");
    }

    private static void leak() {
        ByteBufAllocator.DEFAULT.directBuffer(16).writeInt(1);
    }
}
