//! Page layout on a second thread: while the thread that holds the pdfium
//! lock reads page N + 1 (pdfium's content parsing and text analysis are
//! most of a text page's cost), a scoped worker lays out page N. pdfium is
//! never entered from the worker: it only sees plain characters and rules.
//!
//! [`Limits::layout_thread`](crate::Limits) turns the worker off, in which
//! case pages are laid out inline, one after the other, on the reading
//! thread (the single-thread path the benchmark measures separately).

use std::collections::VecDeque;
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

/// Lays out pages in the order they are sent, inline or on the worker.
pub(super) enum Layout {
    Inline(VecDeque<Page>),
    Worker {
        jobs: SyncSender<PageInput>,
        pages: Receiver<Page>,
    },
}

impl Layout {
    /// Hands a page over for layout.
    pub(super) fn send(&mut self, input: PageInput) {
        match self {
            Layout::Inline(done) => done.push_back(input.layout()),
            // A worker that died is reported by `recv`.
            Layout::Worker { jobs, .. } => {
                let _ = jobs.send(input);
            }
        }
    }

    /// The next laid-out page, in the order they were sent.
    pub(super) fn recv(&mut self) -> Result<Page, ParseError> {
        let page = match self {
            Layout::Inline(done) => done.pop_front(),
            Layout::Worker { pages, .. } => pages.recv().ok(),
        };
        page.ok_or_else(|| ParseError::Corrupt("a page could not be laid out".into()))
    }
}

/// Runs `read` with a [`Layout`]: on a scoped worker thread when
/// `threaded` (and the thread can be started), else inline. The worker
/// ends when `read` returns (its job queue closes) and is joined before
/// this returns.
pub(super) fn with_layout<R>(threaded: bool, read: impl FnOnce(&mut Layout) -> R) -> R {
    if !threaded {
        return read(&mut Layout::Inline(VecDeque::new()));
    }
    std::thread::scope(|scope| {
        let (jobs, inputs) = sync_channel::<PageInput>(READ_AHEAD);
        let (done, pages) = channel();
        let worker = std::thread::Builder::new().spawn_scoped(scope, move || {
            for input in inputs {
                if done.send(input.layout()).is_err() {
                    return;
                }
            }
        });
        match worker {
            Ok(_) => read(&mut Layout::Worker { jobs, pages }),
            // Out of threads (a process limit): one thread still works.
            Err(_) => read(&mut Layout::Inline(VecDeque::new())),
        }
    })
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
        let run = |threaded| {
            with_layout(threaded, |layout| {
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
        for threaded in [false, true] {
            let result = with_layout(threaded, |layout| {
                layout.send(input(1, "only"));
                layout.recv().expect("page");
                // The worker is still running: close its queue first so
                // that `recv` sees the end instead of waiting forever.
                if let Layout::Worker { jobs, .. } = layout {
                    let (closed, _) = sync_channel(0);
                    drop(std::mem::replace(jobs, closed));
                }
                layout.recv()
            });
            assert!(result.is_err());
        }
    }
}
