//! Page layout on a second thread: while the thread that holds the pdfium
//! lock reads page N + 1 (pdfium's content parsing and text analysis are
//! most of a text page's cost), a worker lays out page N. pdfium is never
//! entered from the worker: it only sees plain characters and rules.
//!
//! The worker ([`LayoutWorker`]) lives as long as the process and belongs
//! to the pdfium engine, behind the same lock, so one document at a time
//! uses it. Starting a thread per document cost a thread start and join on
//! every parse, which for the many one-page documents is not hidden behind
//! any reading (docs/benchmarks.md).
//!
//! [`Limits::layout_thread`](crate::Limits) turns the worker off, in which
//! case pages are laid out inline, one after the other, on the reading
//! thread (the single-thread path the benchmark measures separately).

use std::collections::VecDeque;
use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::sync::mpsc::{Receiver, SyncSender, channel, sync_channel};

use super::figures;
use super::raw::CharBox;
use super::reading::{self, Glyph, Rotation};
use crate::tables::Rule;
use crate::{BBox, Page, ParseError};

/// Pages read ahead of the layout worker at most: enough to absorb a
/// slow page on either side, few enough that memory stays flat.
const READ_AHEAD: usize = 4;

/// Everything layout needs of one page, read from pdfium.
pub(super) struct PageInput {
    pub number: u32,
    pub width: f64,
    pub height: f64,
    /// The visible area (user space) and `/Rotate` the characters' boxes
    /// are turned into display space with.
    pub area: BBox,
    pub rotation: Rotation,
    pub chars: Vec<CharBox>,
    /// Already in display space.
    pub rules: Vec<Rule>,
    /// The boxes of the images the page draws, in display space.
    pub images: Vec<BBox>,
}

impl PageInput {
    fn layout(self) -> Page {
        let glyphs: Vec<Glyph> = self
            .chars
            .iter()
            .map(|c| c.glyph(&self.area, self.rotation))
            .collect();
        let mut page = reading::layout(self.number, self.width, self.height, &glyphs, &self.rules);
        figures::place(&mut page, &self.images);
        page.rotation = self.rotation.degrees();
        page
    }
}

/// A laid-out page, or the panic that laying it out raised.
type Outcome = std::thread::Result<Page>;

/// The layout thread and its two queues. The thread waits for pages while
/// idle and ends with the process (or when this is dropped: its job queue
/// closes).
pub(super) struct LayoutWorker {
    jobs: SyncSender<PageInput>,
    pages: Receiver<Outcome>,
}

impl LayoutWorker {
    /// Starts the thread; `None` when the process is out of threads.
    fn start() -> Option<Self> {
        let (jobs, inputs) = sync_channel::<PageInput>(READ_AHEAD);
        let (done, pages) = channel();
        std::thread::Builder::new()
            .name("quarry-layout".into())
            .spawn(move || {
                for input in inputs {
                    // A page that makes layout panic fails its document (the
                    // panic is raised again on the reading thread), not the
                    // worker, which goes on with the next page.
                    let outcome = catch_unwind(AssertUnwindSafe(|| input.layout()));
                    if done.send(outcome).is_err() {
                        return;
                    }
                }
            })
            .ok()?;
        Some(LayoutWorker { jobs, pages })
    }
}

/// Lays out pages in the order they are sent, inline or on the worker.
pub(super) enum Layout<'w> {
    Inline(VecDeque<Page>),
    Worker(WorkerLayout<'w>),
}

/// A document's use of the worker.
pub(super) struct WorkerLayout<'w> {
    /// Always `Some` while in use; emptied when the worker stopped
    /// answering, so that the next document starts a new one.
    slot: &'w mut Option<LayoutWorker>,
    /// Pages sent and not yet received: received before the next document
    /// may use the worker (see `Drop`).
    in_flight: usize,
}

impl WorkerLayout<'_> {
    fn send(&mut self, input: PageInput) {
        let sent = self
            .slot
            .as_ref()
            .is_some_and(|w| w.jobs.send(input).is_ok());
        if sent {
            self.in_flight += 1;
        } else {
            // Reported by `recv`.
            *self.slot = None;
        }
    }

    fn recv(&mut self) -> Option<Outcome> {
        if self.in_flight == 0 {
            return None;
        }
        let outcome = self.slot.as_ref()?.pages.recv();
        self.in_flight -= 1;
        if outcome.is_err() {
            *self.slot = None;
        }
        outcome.ok()
    }
}

impl Drop for WorkerLayout<'_> {
    /// Receives (and drops) the pages of a document that ended early, with
    /// an error or a panic, so that the next document starts on an empty
    /// queue.
    fn drop(&mut self) {
        while self.recv().is_some() {}
    }
}

impl Layout<'_> {
    /// Hands a page over for layout.
    pub(super) fn send(&mut self, input: PageInput) {
        match self {
            Layout::Inline(done) => done.push_back(input.layout()),
            Layout::Worker(worker) => worker.send(input),
        }
    }

    /// The next laid-out page, in the order they were sent. A panic in
    /// layout is raised again here, as if layout had run on this thread.
    pub(super) fn recv(&mut self) -> Result<Page, ParseError> {
        let page = match self {
            Layout::Inline(done) => done.pop_front(),
            Layout::Worker(worker) => match worker.recv() {
                Some(Ok(page)) => Some(page),
                Some(Err(panic)) => resume_unwind(panic),
                None => None,
            },
        };
        page.ok_or_else(|| ParseError::Corrupt("a page could not be laid out".into()))
    }
}

/// Runs `read` with a [`Layout`]: on the worker in `slot` when `threaded`
/// (started on first use, and again after it broke), else inline. Every
/// page sent to the worker has come back when this returns, whether `read`
/// returned or panicked.
pub(super) fn with_layout<R>(
    threaded: bool,
    slot: &mut Option<LayoutWorker>,
    read: impl FnOnce(&mut Layout<'_>) -> R,
) -> R {
    if threaded && slot.is_none() {
        *slot = LayoutWorker::start();
    }
    if !threaded || slot.is_none() {
        // Off, or out of threads (a process limit): one thread still works.
        return read(&mut Layout::Inline(VecDeque::new()));
    }
    read(&mut Layout::Worker(WorkerLayout { slot, in_flight: 0 }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use pdfium_render::prelude::FS_RECTF;

    fn input(number: u32, text: &str) -> PageInput {
        // User space: y grows upwards from the bottom of the page.
        let chars = text
            .chars()
            .enumerate()
            .map(|(i, c)| CharBox {
                c,
                rect: FS_RECTF {
                    left: 50.0 + 6.0 * i as f32,
                    top: 742.0,
                    right: 56.0 + 6.0 * i as f32,
                    bottom: 732.0,
                },
            })
            .collect();
        PageInput {
            number,
            width: 612.0,
            height: 792.0,
            area: BBox {
                left: 0.0,
                top: 792.0,
                right: 612.0,
                bottom: 0.0,
            },
            rotation: Rotation::R0,
            chars,
            rules: Vec::new(),
            images: Vec::new(),
        }
    }

    #[test]
    fn both_paths_lay_out_the_same_pages_in_order() {
        let texts = ["first page", "second page", "", "fourth page"];
        let mut slot = None;
        let mut run = |threaded| {
            with_layout(threaded, &mut slot, |layout| {
                let mut pages = Vec::new();
                for (i, text) in texts.iter().enumerate() {
                    layout.send(input(i as u32 + 1, text));
                    // Read ahead by one page, as the PDF reader does.
                    if i > 0 {
                        pages.push(layout.recv().expect("page"));
                    }
                }
                pages.push(layout.recv().expect("last page"));
                pages
            })
        };
        let (inline, threaded) = (run(false), run(true));
        assert_eq!(inline, threaded);
        let numbers: Vec<u32> = threaded.iter().map(|p| p.number).collect();
        assert_eq!(numbers, [1, 2, 3, 4]);
        assert_eq!(threaded[1].lines[0].text, "second page");
        // Display space: 50 pt from the top of the page.
        assert_eq!(threaded[1].lines[0].bbox.top, 50.0);
        assert!(threaded[2].lines.is_empty());
    }

    #[test]
    fn receiving_more_pages_than_sent_is_an_error() {
        let mut slot = None;
        for threaded in [false, true] {
            let result = with_layout(threaded, &mut slot, |layout| {
                layout.send(input(1, "only"));
                layout.recv().expect("page");
                layout.recv()
            });
            assert!(result.is_err());
        }
    }

    #[test]
    fn the_worker_outlives_a_document_and_a_document_that_ends_early() {
        let mut slot = None;
        // A document that stops with pages still being laid out (as after
        // a page pdfium cannot load): they must not reach the next one.
        with_layout(true, &mut slot, |layout| {
            layout.send(input(1, "left behind"));
            layout.send(input(2, "left behind too"));
        });
        assert!(slot.is_some());
        let page = with_layout(true, &mut slot, |layout| {
            layout.send(input(7, "next document"));
            layout.recv().expect("page")
        });
        assert_eq!(
            (page.number, page.lines[0].text.as_str()),
            (7, "next document")
        );
        assert!(slot.is_some());
    }
}
