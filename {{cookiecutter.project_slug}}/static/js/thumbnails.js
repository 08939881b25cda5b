// A thumbnail that the storage no longer holds is made again: an image whose URL
// fails asks the site instead (its data-fallback URL), once, which makes the
// thumbnail and redirects to it (mediafiles/views.py). Loaded before the images, so
// that it hears every failure; a normal page view asks the site for nothing.
document.addEventListener(
  "error",
  (event) => {
    const image = event.target;
    if (image instanceof HTMLImageElement && image.dataset.fallback) {
      const fallback = image.dataset.fallback;
      delete image.dataset.fallback;
      image.src = fallback;
    }
  },
  true,
);
