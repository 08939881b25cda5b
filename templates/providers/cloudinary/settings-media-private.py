
# the site fetches it and sends it on (Cloudinary's signed URLs never expire).