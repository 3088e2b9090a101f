package dev.aitk.launcher.hub;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A progress listener that keeps every notice, for tests that assert what the prefetcher said. */
final class NoticeRecorder implements ProgressListener {
    final List<Notice> notices = new CopyOnWriteArrayList<>();

    @Override
    public void notice(Notice notice) {
        notices.add(notice);
    }
}
