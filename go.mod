module compatbuild

go 1.26
